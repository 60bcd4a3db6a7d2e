// The filter bar above the queue: search, refinements (status, priority, kind, assignee,
// category, tag) and the order. Everything it changes lands in the URL.
import { forwardRef, useEffect, useState } from 'react';
import type { OrderDirection, TicketOrderField } from '../../gql/graphql';
import { KINDS, PRIORITIES, STATUSES, kindLabel, priorityLabel, statusLabel } from '../../lib/labels';
import { Button } from '../../ui/Button';
import { ChevronDownIcon, FilterIcon, SearchIcon, SortIcon, TagIcon, XIcon } from '../../ui/icons';
import {
  Menu,
  MenuCheckboxItem,
  MenuContent,
  MenuLabel,
  MenuRadioGroup,
  MenuRadioItem,
  MenuSeparator,
  MenuTrigger,
  Popover,
  PopoverContent,
  PopoverTrigger,
} from '../../ui/Overlay';
import type { Agent, CategoryOption } from './options';
import { SORT_LABELS, clearRefinements, refinementCount, type QueueParams } from './queueState';

interface Props {
  params: QueueParams;
  defaultOrder: { field: TicketOrderField; direction: OrderDirection };
  agents: Agent[];
  categories: CategoryOption[];
  onChange: (next: QueueParams, options?: { replace?: boolean }) => void;
}

function toggle<T>(list: readonly T[], item: T): T[] {
  return list.includes(item) ? list.filter((x) => x !== item) : [...list, item];
}

export const QueueFilters = forwardRef<HTMLInputElement, Props>(function QueueFilters(
  { params, defaultOrder, agents, categories, onChange },
  searchRef,
) {
  const [text, setText] = useState(params.q);
  // Typing searches after a short pause; the URL is replaced, not pushed, per keystroke.
  useEffect(() => setText(params.q), [params.q]);
  useEffect(() => {
    if (text === params.q) return;
    const timer = setTimeout(() => onChange({ ...params, q: text }, { replace: true }), 300);
    return () => clearTimeout(timer);
  }, [text, params, onChange]);

  const field = params.sort ?? defaultOrder.field;
  const direction = params.dir ?? defaultOrder.direction;
  const count = refinementCount(params);
  const agentName = (id: string) => agents.find((a) => a.id === id)?.name ?? 'Someone';
  const categoryName = (id: string) => categories.find((c) => c.id === id)?.label ?? 'A category';
  const [tagText, setTagText] = useState(params.tag ?? '');

  const chips: { label: string; clear: QueueParams }[] = [];
  if (params.status.length) chips.push({ label: `Status: ${params.status.map((s) => statusLabel[s]).join(', ')}`, clear: { ...params, status: [] } });
  if (params.priority.length) chips.push({ label: `Priority: ${params.priority.join(', ')}`, clear: { ...params, priority: [] } });
  if (params.kind) chips.push({ label: kindLabel[params.kind], clear: { ...params, kind: null } });
  if (params.assignee) {
    chips.push({
      label: params.assignee === 'none' ? 'Unassigned' : `Assignee: ${agentName(params.assignee)}`,
      clear: { ...params, assignee: null },
    });
  }
  if (params.category) chips.push({ label: `Category: ${categoryName(params.category)}`, clear: { ...params, category: null } });
  if (params.tag) chips.push({ label: `Tag: ${params.tag}`, clear: { ...params, tag: null } });

  return (
    <div className="queue-filters">
      <div className="queue-filters__bar">
        <div className="search">
          <SearchIcon />
          <input
            ref={searchRef}
            type="search"
            className="input search__input"
            placeholder="Search subject, conversation or INC-1042"
            aria-label="Search tickets"
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') onChange({ ...params, q: text }, { replace: true });
              if (e.key === 'Escape') e.currentTarget.blur();
            }}
          />
          <kbd className="kbd search__hint" aria-hidden="true">
            /
          </kbd>
        </div>

        <Menu>
          <MenuTrigger asChild>
            <Button size="sm" icon={<FilterIcon />}>
              Filter{count > 0 ? ` · ${count}` : ''} <ChevronDownIcon />
            </Button>
          </MenuTrigger>
          <MenuContent className="filter-menu">
            <MenuLabel>Status</MenuLabel>
            {STATUSES.map((s) => (
              <MenuCheckboxItem
                key={s}
                checked={params.status.includes(s)}
                onSelect={(e) => e.preventDefault()}
                onCheckedChange={() => onChange({ ...params, status: toggle(params.status, s) })}
              >
                {statusLabel[s]}
              </MenuCheckboxItem>
            ))}
            <MenuSeparator />
            <MenuLabel>Priority</MenuLabel>
            {PRIORITIES.map((p) => (
              <MenuCheckboxItem
                key={p}
                checked={params.priority.includes(p)}
                onSelect={(e) => e.preventDefault()}
                onCheckedChange={() => onChange({ ...params, priority: toggle(params.priority, p) })}
              >
                {priorityLabel[p]}
              </MenuCheckboxItem>
            ))}
            <MenuSeparator />
            <MenuLabel>Kind</MenuLabel>
            <MenuRadioGroup
              value={params.kind ?? 'ANY'}
              onValueChange={(v) => onChange({ ...params, kind: v === 'ANY' ? null : (KINDS.find((k) => k === v) ?? null) })}
            >
              <MenuRadioItem value="ANY" onSelect={(e) => e.preventDefault()}>
                Any kind
              </MenuRadioItem>
              {KINDS.map((k) => (
                <MenuRadioItem key={k} value={k} onSelect={(e) => e.preventDefault()}>
                  {kindLabel[k]}
                </MenuRadioItem>
              ))}
            </MenuRadioGroup>
          </MenuContent>
        </Menu>

        <Menu>
          <MenuTrigger asChild>
            <Button size="sm">
              {params.assignee ? (params.assignee === 'none' ? 'Unassigned' : agentName(params.assignee)) : 'Assignee'}{' '}
              <ChevronDownIcon />
            </Button>
          </MenuTrigger>
          <MenuContent className="filter-menu">
            <MenuRadioGroup value={params.assignee ?? 'ANY'} onValueChange={(v) => onChange({ ...params, assignee: v === 'ANY' ? null : v })}>
              <MenuRadioItem value="ANY">Anyone</MenuRadioItem>
              <MenuRadioItem value="none">Unassigned</MenuRadioItem>
              <MenuSeparator />
              {agents.map((a) => (
                <MenuRadioItem key={a.id} value={a.id}>
                  {a.name}
                </MenuRadioItem>
              ))}
            </MenuRadioGroup>
          </MenuContent>
        </Menu>

        <Menu>
          <MenuTrigger asChild>
            <Button size="sm">
              {params.category ? categoryName(params.category) : 'Category'} <ChevronDownIcon />
            </Button>
          </MenuTrigger>
          <MenuContent className="filter-menu filter-menu--scroll">
            <MenuRadioGroup value={params.category ?? 'ANY'} onValueChange={(v) => onChange({ ...params, category: v === 'ANY' ? null : v })}>
              <MenuRadioItem value="ANY">Any category</MenuRadioItem>
              <MenuSeparator />
              {categories.map((c) => (
                <MenuRadioItem key={c.id} value={c.id} className={c.parentId ? 'menu__item--nested' : undefined}>
                  {c.label}
                </MenuRadioItem>
              ))}
            </MenuRadioGroup>
          </MenuContent>
        </Menu>

        <Popover onOpenChange={(open) => open && setTagText(params.tag ?? '')}>
          <PopoverTrigger asChild>
            <Button size="sm" icon={<TagIcon />}>
              {params.tag ?? 'Tag'}
            </Button>
          </PopoverTrigger>
          <PopoverContent>
            <form
              className="row"
              onSubmit={(e) => {
                e.preventDefault();
                onChange({ ...params, tag: tagText.trim() || null });
              }}
            >
              <input
                className="input"
                aria-label="Tag"
                placeholder="e.g. vpn"
                value={tagText}
                onChange={(e) => setTagText(e.target.value)}
                autoFocus
              />
              <Button type="submit" size="sm" variant="primary">
                Apply
              </Button>
            </form>
          </PopoverContent>
        </Popover>

        <div className="queue-filters__spacer" />

        <Menu>
          <MenuTrigger asChild>
            <Button size="sm" variant="ghost" icon={<SortIcon />}>
              {SORT_LABELS[field]}
              <span className="visually-hidden">, {direction === 'ASC' ? 'ascending' : 'descending'}. Change the order</span>
            </Button>
          </MenuTrigger>
          <MenuContent align="end">
            <MenuLabel>Order by</MenuLabel>
            <MenuRadioGroup
              value={field}
              onValueChange={(v) => {
                const sort = (Object.keys(SORT_LABELS) as TicketOrderField[]).find((k) => k === v) ?? null;
                onChange({ ...params, sort });
              }}
            >
              {(Object.keys(SORT_LABELS) as TicketOrderField[]).map((k) => (
                <MenuRadioItem key={k} value={k}>
                  {SORT_LABELS[k]}
                </MenuRadioItem>
              ))}
            </MenuRadioGroup>
            <MenuSeparator />
            <MenuRadioGroup value={direction} onValueChange={(v) => onChange({ ...params, dir: v === 'ASC' ? 'ASC' : 'DESC' })}>
              <MenuRadioItem value="ASC">{field === 'CREATED' || field === 'UPDATED' ? 'Oldest first' : 'Most urgent first'}</MenuRadioItem>
              <MenuRadioItem value="DESC">{field === 'CREATED' || field === 'UPDATED' ? 'Newest first' : 'Least urgent first'}</MenuRadioItem>
            </MenuRadioGroup>
          </MenuContent>
        </Menu>
      </div>

      {(chips.length > 0 || params.q) && (
        <ul className="queue-filters__chips" aria-label="Active filters">
          {chips.map((chip) => (
            <li key={chip.label}>
              <span className="chip">
                {chip.label}
                <button type="button" className="chip__remove" aria-label={`Remove filter ${chip.label}`} onClick={() => onChange(chip.clear)}>
                  <XIcon size={12} />
                </button>
              </span>
            </li>
          ))}
          <li>
            <button type="button" className="link-button" onClick={() => onChange(clearRefinements(params))}>
              Clear all
            </button>
          </li>
        </ul>
      )}
    </div>
  );
});
