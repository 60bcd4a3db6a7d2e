import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { uploadFile } from '../../components/Attachments';
import { formatBytes } from '../../components/fileSize';
import { describeError, hasProblem, noProblem, type Problem } from '../../api/errors';
import { graphql } from '../../gql';
import type { Impact, TicketKind } from '../../gql/graphql';
import { Button } from '../../ui/Button';
import { Alert } from '../../ui/Feedback';
import { SelectField, TextArea, TextField } from '../../ui/Field';
import { useToast } from '../../ui/Toast';
import { requireFields } from '../auth/forms';

const PortalCategoriesDocument = graphql(`
  query PortalCategories {
    organization {
      id
      categories {
        id
        name
        parentId
      }
    }
  }
`);

const SubmitRequestDocument = graphql(`
  mutation SubmitRequest($input: CreateTicketInput!) {
    createTicket(input: $input) {
      ticket {
        id
        number
      }
    }
  }
`);

const FIELDS = ['kind', 'subject', 'description', 'categoryId', 'impact', 'urgency'] as const;

export function PortalNew() {
  const navigate = useNavigate();
  const toast = useToast();
  const [{ data }] = useQuery({ query: PortalCategoriesDocument });
  const [{ fetching }, submitRequest] = useMutation(SubmitRequestDocument);
  const [problem, setProblem] = useState<Problem>(noProblem);
  const [kind, setKind] = useState<TicketKind>('INCIDENT');
  const [files, setFiles] = useState<File[]>([]);
  const [uploading, setUploading] = useState(false);
  const categories = data?.organization?.categories ?? [];
  const tops = categories.filter((c) => !c.parentId);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const values = { subject: text('subject'), description: text('description') };
    const missing = requireFields(values, {
      subject: 'Sum up your request in a few words.',
      description: 'Describe what happened or what you need.',
    });
    if (missing) {
      setProblem(missing);
      return;
    }
    const impact = text('impact');
    const urgency = text('urgency');
    const result = await submitRequest({
      input: {
        kind,
        ...values,
        categoryId: text('categoryId') || null,
        impact: impact ? (impact as Impact) : null,
        urgency: urgency ? (urgency as Impact) : null,
      },
    });
    const p = describeError(result.error, FIELDS);
    setProblem(p);
    const ticket = result.data?.createTicket.ticket;
    if (!hasProblem(p) && ticket) {
      // The request exists now; its files follow. A file that fails is reported, and can be
      // attached again from the request's page.
      setUploading(true);
      const failures: string[] = [];
      for (const file of files) {
        const error = await uploadFile(ticket.number, file);
        if (error) failures.push(`${file.name}: ${error}`);
      }
      setUploading(false);
      toast({ tone: 'success', title: 'Request submitted', description: `We’ll reply here. Your reference is ${ticket.number}.` });
      if (failures.length > 0) {
        toast({ tone: 'danger', title: 'Some files were not attached', description: failures.join(' ') });
      }
      navigate(`/portal/tickets/${ticket.number}`);
    }
  }

  return (
    <div className="portal-page portal-page--narrow">
      <Link to="/portal" className="portal-back">
        ← My requests
      </Link>
      <h1>New request</h1>
      <form className="card card__body stack portal-form" noValidate onSubmit={(e) => void submit(e)}>
        {problem.message && <Alert>{problem.message}</Alert>}
        <fieldset className="choice-group">
          <legend>What do you need?</legend>
          <label className="choice">
            <input type="radio" name="kind" checked={kind === 'INCIDENT'} onChange={() => setKind('INCIDENT')} />
            <span className="choice__title">Something is broken</span>
            <span className="choice__hint">An error, an outage, something not working as it should</span>
          </label>
          <label className="choice">
            <input type="radio" name="kind" checked={kind === 'SERVICE_REQUEST'} onChange={() => setKind('SERVICE_REQUEST')} />
            <span className="choice__title">I need something</span>
            <span className="choice__hint">Access, equipment, software, a change</span>
          </label>
        </fieldset>
        <SelectField label="Category" name="categoryId" optional defaultValue="" error={problem.fields.categoryId}>
          <option value="">I’m not sure</option>
          {tops.map((top) => (
            <optgroup key={top.id} label={top.name}>
              <option value={top.id}>{top.name} (general)</option>
              {categories
                .filter((c) => c.parentId === top.id)
                .map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
            </optgroup>
          ))}
        </SelectField>
        <TextField label="Subject" name="subject" maxLength={250} error={problem.fields.subject} placeholder="e.g. VPN disconnects every few minutes" />
        <TextArea
          label="Description"
          name="description"
          rows={6}
          error={problem.fields.description}
          hint="What happened, since when, and what you have tried. Include any error message."
        />
        <div className="form-grid">
          <SelectField label="Who is affected?" name="impact" optional defaultValue="" error={problem.fields.impact}>
            <option value="">Not sure</option>
            <option value="LOW">Just me</option>
            <option value="MEDIUM">My team</option>
            <option value="HIGH">Many people or a whole site</option>
          </SelectField>
          <SelectField label="How urgent is it?" name="urgency" optional defaultValue="" error={problem.fields.urgency}>
            <option value="">Not sure</option>
            <option value="LOW">It can wait</option>
            <option value="MEDIUM">It slows me down</option>
            <option value="HIGH">I can’t work</option>
          </SelectField>
        </div>
        <div className="field">
          <label className="field__label" htmlFor="request-files">
            Files <span className="muted small">(optional: screenshots, error messages, documents)</span>
          </label>
          <input
            id="request-files"
            type="file"
            multiple
            className="input"
            onChange={(e) => setFiles(Array.from(e.target.files ?? []))}
          />
          {files.length > 0 && (
            <p className="small muted">
              {files.map((f) => `${f.name} (${formatBytes(f.size)})`).join(', ')}
            </p>
          )}
        </div>
        <div className="form-actions">
          <Link to="/portal" className="btn btn--ghost btn--md">
            Cancel
          </Link>
          <Button type="submit" variant="primary" loading={fetching || uploading}>
            Submit request
          </Button>
        </div>
      </form>
    </div>
  );
}
