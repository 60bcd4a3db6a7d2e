// Pick an assignee by typing: ↑/↓ to move, Enter to choose. Opened by `a` in the queue and on a
// ticket, and by the bulk bar.
import { useId, useMemo, useState } from 'react';
import { Avatar } from '../../components/Avatar';
import { Dialog } from '../../ui/Overlay';
import type { Agent } from './options';
import './assign.css';

interface Choice {
  id: string | null;
  label: string;
  /** The person's name; null for "Unassign". */
  name: string | null;
  hint?: string;
}

export function AssignDialog({
  open,
  onOpenChange,
  agents,
  viewerId,
  title,
  onChoose,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  agents: Agent[];
  viewerId: string;
  title: string;
  /** `null` unassigns. */
  onChoose: (assigneeId: string | null, label: string) => void;
}) {
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  const listId = useId();
  const choices = useMemo<Choice[]>(() => {
    const me = agents.find((a) => a.id === viewerId);
    const all: Choice[] = [
      ...(me ? [{ id: me.id, label: 'Assign to me', name: me.name, hint: me.name }] : []),
      ...agents
        .filter((a) => a.id !== viewerId)
        .map((a) => ({ id: a.id, label: a.name, name: a.name, hint: a.email })),
      { id: null, label: 'Unassign', name: null },
    ];
    const needle = text.trim().toLowerCase();
    return needle
      ? all.filter((c) => `${c.label} ${c.hint ?? ''}`.toLowerCase().includes(needle))
      : all;
  }, [agents, viewerId, text]);

  function choose(choice: Choice | undefined) {
    if (!choice) return;
    onChoose(choice.id, choice.name ?? 'nobody');
    onOpenChange(false);
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (next) {
          setText('');
          setActive(0);
        }
        onOpenChange(next);
      }}
      title={title}
      width={420}
    >
      <input
        className="input"
        role="combobox"
        aria-label="Find a teammate"
        aria-expanded="true"
        aria-controls={listId}
        aria-activedescendant={choices[active] ? `${listId}-${active}` : undefined}
        placeholder="Type a name…"
        value={text}
        autoFocus
        onChange={(e) => {
          setText(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setActive((i) => Math.min(choices.length - 1, i + 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((i) => Math.max(0, i - 1));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            choose(choices[active]);
          }
        }}
      />
      <ul className="assign-list" role="listbox" id={listId} aria-label="Teammates">
        {choices.map((c, i) => (
          <li
            key={c.id ?? 'nobody'}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === active}
            className={i === active ? 'is-active' : ''}
            onMouseEnter={() => setActive(i)}
            onClick={() => choose(c)}
          >
            {c.name ? <Avatar name={c.name} size={22} /> : <span className="assign-list__none" />}
            <span>{c.label}</span>
            {c.hint && <span className="muted small">{c.hint}</span>}
          </li>
        ))}
        {choices.length === 0 && <li className="muted small assign-list__empty">Nobody matches “{text}”.</li>}
      </ul>
    </Dialog>
  );
}
