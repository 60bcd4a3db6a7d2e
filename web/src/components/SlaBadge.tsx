import { slaView, type SlaClockFields } from '../lib/sla';
import { formatDateTime } from '../lib/format';
import { useNow } from '../lib/useNow';
import { Badge, type Tone } from '../ui/Feedback';
import { AlertIcon, ClockIcon, PauseIcon } from '../ui/icons';

const tone: Record<string, Tone> = { ok: 'neutral', 'at-risk': 'warning', breached: 'danger', paused: 'neutral' };

/** The clock that is due first, counting down live. Nothing when no clock is running. */
export function SlaBadge({ sla, compact = false }: { sla: SlaClockFields; compact?: boolean }) {
  const now = useNow();
  const view = slaView(sla, now);
  if (!view) return compact ? <span className="muted small">—</span> : null;
  const icon = view.tone === 'paused' ? <PauseIcon size={12} /> : view.tone === 'breached' ? <AlertIcon size={12} /> : <ClockIcon size={12} />;
  const title = view.dueAt ? `${view.label} (due ${formatDateTime(view.dueAt)})` : view.label;
  return (
    <Badge tone={tone[view.tone] ?? 'neutral'} title={title}>
      {icon}
      <span className="sla-text">{compact ? view.short : view.label}</span>
      {compact && <span className="visually-hidden">{view.label}</span>}
    </Badge>
  );
}
