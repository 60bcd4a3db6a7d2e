// A ticket filed by an agent: for themselves or on behalf of someone (who becomes the requester).
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { describeError, hasProblem, noProblem, type Problem } from '../../api/errors';
import { useViewer } from '../../auth/session';
import { graphql } from '../../gql';
import type { Impact, Priority, TicketKind } from '../../gql/graphql';
import { LEVELS, PRIORITIES, kindLabel, levelLabel, priorityLabel } from '../../lib/labels';
import { Button } from '../../ui/Button';
import { Alert } from '../../ui/Feedback';
import { SelectField, TextArea, TextField } from '../../ui/Field';
import { useToast } from '../../ui/Toast';
import { useWorkspaceOptions } from './options';

const CreateTicketDocument = graphql(`
  mutation CreateTicket($input: CreateTicketInput!) {
    createTicket(input: $input) {
      ticket {
        id
        number
      }
    }
  }
`);

const FIELDS = ['kind', 'subject', 'description', 'priority', 'impact', 'urgency', 'categoryId', 'requesterEmail', 'requesterName', 'assigneeId', 'tags'] as const;

export default function NewTicket() {
  const { viewer } = useViewer();
  const navigate = useNavigate();
  const toast = useToast();
  const { agents, categories } = useWorkspaceOptions();
  const [{ fetching }, create] = useMutation(CreateTicketDocument);
  const [problem, setProblem] = useState<Problem>(noProblem);
  const [kind, setKind] = useState<TicketKind>('INCIDENT');

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const subject = text('subject');
    if (!subject) {
      setProblem({ ...noProblem, fields: { subject: 'Give the ticket a subject.' } });
      return;
    }
    const priority = text('priority');
    const impact = text('impact');
    const urgency = text('urgency');
    const tags = text('tags')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    const result = await create({
      input: {
        kind,
        subject,
        description: text('description'),
        priority: priority ? (priority as Priority) : null,
        impact: impact ? (impact as Impact) : null,
        urgency: urgency ? (urgency as Impact) : null,
        categoryId: text('categoryId') || null,
        requesterEmail: text('requesterEmail') || null,
        requesterName: text('requesterName') || null,
        assigneeId: text('assigneeId') || null,
        tags,
      },
    });
    const p = describeError(result.error, FIELDS);
    setProblem(p);
    const ticket = result.data?.createTicket.ticket;
    if (!hasProblem(p) && ticket) {
      toast({ tone: 'success', title: `${ticket.number} created` });
      navigate(`/tickets/${ticket.number}`);
    }
  }

  return (
    <div className="page page--narrow">
      <header className="page__header">
        <div>
          <h1>New ticket</h1>
          <p className="page__subtitle">File an incident or a request, for yourself or on someone’s behalf.</p>
        </div>
      </header>
      <form className="card card__body stack" noValidate onSubmit={(e) => void submit(e)}>
        {problem.message && <Alert>{problem.message}</Alert>}
        <fieldset className="choice-group">
          <legend>Kind</legend>
          {(['INCIDENT', 'SERVICE_REQUEST'] as const).map((k) => (
            <label key={k} className="choice">
              <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} />
              <span className="choice__title">{kindLabel[k]}</span>
              <span className="choice__hint">{k === 'INCIDENT' ? 'Something is broken or degraded' : 'Something is needed: access, hardware, a change'}</span>
            </label>
          ))}
        </fieldset>
        <TextField label="Subject" name="subject" required maxLength={250} error={problem.fields.subject} autoFocus />
        <TextArea label="Description" name="description" optional rows={6} error={problem.fields.description} hint="What happened, since when, who is affected." />
        <div className="form-grid">
          <TextField
            label="Requester email"
            name="requesterEmail"
            type="email"
            optional
            error={problem.fields.requesterEmail}
            hint={`Leave empty to file it as yourself (${viewer.name}).`}
          />
          <TextField label="Requester name" name="requesterName" optional error={problem.fields.requesterName} />
          <SelectField label="Category" name="categoryId" optional error={problem.fields.categoryId} defaultValue="">
            <option value="">No category</option>
            {categories.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </SelectField>
          <SelectField label="Assignee" name="assigneeId" optional error={problem.fields.assigneeId} defaultValue="">
            <option value="">Unassigned</option>
            {agents.map((a) => (
              <option key={a.id} value={a.id}>
                {a.id === viewer.id ? `${a.name} (you)` : a.name}
              </option>
            ))}
          </SelectField>
          <SelectField label="Impact" name="impact" optional error={problem.fields.impact} defaultValue="" hint="How many people are affected.">
            <option value="">Not set</option>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {levelLabel[l]}
              </option>
            ))}
          </SelectField>
          <SelectField label="Urgency" name="urgency" optional error={problem.fields.urgency} defaultValue="" hint="How soon it hurts.">
            <option value="">Not set</option>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {levelLabel[l]}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="Priority"
            name="priority"
            optional
            error={problem.fields.priority}
            defaultValue=""
            hint="Leave it to impact × urgency, or set it."
          >
            <option value="">From impact and urgency</option>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {priorityLabel[p]}
              </option>
            ))}
          </SelectField>
          <TextField label="Tags" name="tags" optional error={problem.fields.tags} hint="Separate tags with commas." />
        </div>
        <div className="form-actions">
          <Link to="/queue" className="btn btn--ghost btn--md">
            Cancel
          </Link>
          <Button type="submit" variant="primary" loading={fetching}>
            Create ticket
          </Button>
        </div>
      </form>
    </div>
  );
}
