import { noProblem, type Problem } from '../../api/errors';

/** "Acme Ltd." → "acme-ltd": a suggestion for the workspace address. */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}

/** The empty required fields, as a problem to show; null when every one has a value. */
export function requireFields<K extends string>(values: Record<K, string>, messages: Record<K, string>): Problem | null {
  const fields: Record<string, string> = {};
  for (const key of Object.keys(messages) as K[]) {
    if (!values[key]?.trim()) fields[key] = messages[key];
  }
  return Object.keys(fields).length > 0 ? { ...noProblem, fields } : null;
}
