// A ticket's files: download links, and (for those who may change the ticket) an upload button.
// Uploads go to `POST /attachments?ticket=…` with the file as the body; the gateway decides who
// may, and answers problems as GraphQL-shaped errors that we show as one sentence.
import { useRef, useState, type ChangeEvent } from 'react';
import { Button } from '../ui/Button';
import { Alert } from '../ui/Feedback';
import { useToast } from '../ui/Toast';
import { formatBytes } from './fileSize';

export interface AttachmentFile {
  id: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
  url: string;
}

/** Uploads one file; resolves to an error sentence, or null when it worked. */
export async function uploadFile(ticketNumber: string, file: File): Promise<string | null> {
  try {
    const response = await fetch(`/attachments?ticket=${encodeURIComponent(ticketNumber)}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': file.type || 'application/octet-stream', 'x-filename': encodeURIComponent(file.name) },
      body: file,
    });
    if (response.ok) return null;
    const body = (await response.json().catch(() => null)) as { errors?: { message?: string }[] } | null;
    return body?.errors?.[0]?.message ?? `The upload failed (${response.status}).`;
  } catch {
    return 'The upload failed: check your connection and try again.';
  }
}

export function Attachments({
  ticketNumber,
  files,
  canUpload,
  onUploaded,
}: {
  ticketNumber: string;
  files: AttachmentFile[];
  canUpload: boolean;
  onUploaded: () => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [uploading, setUploading] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const toast = useToast();

  async function picked(e: ChangeEvent<HTMLInputElement>) {
    const chosen = Array.from(e.target.files ?? []);
    e.target.value = '';
    if (chosen.length === 0) return;
    setUploading(true);
    setProblem(null);
    for (const file of chosen) {
      const error = await uploadFile(ticketNumber, file);
      if (error) {
        setProblem(`${file.name}: ${error}`);
        break;
      }
      toast({ tone: 'success', title: `${file.name} attached` });
    }
    setUploading(false);
    onUploaded();
  }

  return (
    <div className="stack">
      {files.length > 0 && (
        <ul className="attachments">
          {files.map((a) => (
            <li key={a.id}>
              <a className="attachments__name" href={a.url} target="_blank" rel="noreferrer">
                {a.filename}
              </a>
              <span className="muted small">
                {a.contentType} · {formatBytes(a.sizeBytes)}
              </span>
            </li>
          ))}
        </ul>
      )}
      {problem && <Alert>{problem}</Alert>}
      {canUpload && (
        <div>
          <input
            ref={input}
            id={`attach-${ticketNumber}`}
            type="file"
            multiple
            className="visually-hidden"
            aria-label="Choose files to attach"
            tabIndex={-1}
            onChange={(e) => void picked(e)}
          />
          <Button size="sm" loading={uploading} onClick={() => input.current?.click()}>
            Attach files
          </Button>
        </div>
      )}
    </div>
  );
}
