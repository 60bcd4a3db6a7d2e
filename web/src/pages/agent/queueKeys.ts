// The queue's keyboard: which key does what (commandFor), and how the cursor and the selection
// move (reduceQueue). Pure, so the rules are tested without a browser.

export type QueueCommand =
  | { type: 'move'; by: 1 | -1 }
  | { type: 'first' }
  | { type: 'last' }
  | { type: 'open' }
  | { type: 'reply' }
  | { type: 'note' }
  | { type: 'assign' }
  | { type: 'toggle' }
  | { type: 'clear' }
  | { type: 'search' }
  | { type: 'new' }
  | { type: 'help' };

export interface KeyInput {
  key: string;
  metaKey: boolean;
  ctrlKey: boolean;
  altKey: boolean;
  /** Focus is in a text field: typing there must never trigger a shortcut. */
  editable: boolean;
}

export const QUEUE_SHORTCUTS: readonly { keys: string[]; does: string }[] = [
  { keys: ['j', '↓'], does: 'Next ticket' },
  { keys: ['k', '↑'], does: 'Previous ticket' },
  { keys: ['Enter', 'o'], does: 'Open the ticket' },
  { keys: ['r'], does: 'Reply to the requester' },
  { keys: ['n'], does: 'Add an internal note' },
  { keys: ['a'], does: 'Assign the ticket' },
  { keys: ['x'], does: 'Select for a bulk change' },
  { keys: ['Esc'], does: 'Clear the selection' },
  { keys: ['/'], does: 'Search' },
  { keys: ['c'], does: 'New ticket' },
  { keys: ['?'], does: 'Show these shortcuts' },
];

export function commandFor(e: KeyInput): QueueCommand | null {
  if (e.metaKey || e.ctrlKey || e.altKey || e.editable) return null;
  switch (e.key) {
    case 'j':
    case 'ArrowDown':
      return { type: 'move', by: 1 };
    case 'k':
    case 'ArrowUp':
      return { type: 'move', by: -1 };
    case 'Home':
      return { type: 'first' };
    case 'End':
      return { type: 'last' };
    case 'Enter':
    case 'o':
      return { type: 'open' };
    case 'r':
      return { type: 'reply' };
    case 'n':
      return { type: 'note' };
    case 'a':
      return { type: 'assign' };
    case 'x':
      return { type: 'toggle' };
    case 'Escape':
      return { type: 'clear' };
    case '/':
      return { type: 'search' };
    case 'c':
      return { type: 'new' };
    case '?':
      return { type: 'help' };
    default:
      return null;
  }
}

export interface QueueCursor {
  /** The row the keyboard is on; -1 before the first move. */
  index: number;
  /** Ticket ids picked for a bulk change. */
  selected: readonly string[];
}

export const initialCursor: QueueCursor = { index: -1, selected: [] };

export function reduceQueue(state: QueueCursor, command: QueueCommand, rows: readonly string[]): QueueCursor {
  const last = rows.length - 1;
  switch (command.type) {
    case 'move': {
      if (rows.length === 0) return { ...state, index: -1 };
      if (state.index < 0) return { ...state, index: command.by > 0 ? 0 : last };
      return { ...state, index: Math.min(last, Math.max(0, state.index + command.by)) };
    }
    case 'first':
      return { ...state, index: rows.length ? 0 : -1 };
    case 'last':
      return { ...state, index: last };
    case 'toggle': {
      const id = rows[state.index];
      if (id === undefined) return state;
      const selected = state.selected.includes(id)
        ? state.selected.filter((s) => s !== id)
        : [...state.selected, id];
      return { ...state, selected };
    }
    case 'clear':
      return { ...state, selected: [] };
    default:
      return state;
  }
}

/**
 * After the rows change (a refetch, a live update), keep the cursor on the same ticket when it is
 * still listed, otherwise at the same position; drop selected tickets that left the list.
 */
export function followRows(state: QueueCursor, before: readonly string[], after: readonly string[]): QueueCursor {
  const current = before[state.index];
  const kept = current === undefined ? -1 : after.indexOf(current);
  const index = kept >= 0 ? kept : Math.min(state.index, after.length - 1);
  const selected = state.selected.filter((id) => after.includes(id));
  return { index, selected: selected.length === state.selected.length ? state.selected : selected };
}
