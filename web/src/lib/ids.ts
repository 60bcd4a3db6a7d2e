// The API's global ids are base64url("Type:uuid"); the audit trail records raw uuids. This turns
// one into the other so the trail can name people and categories.
export function globalId(type: string, uuid: string): string {
  return btoa(`${type}:${uuid}`).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
