// The queue the agent came from, so "back to the queue" returns to the same view and filters.
const KEY = 'ferrodesk.queue';

export function rememberQueue(search: string): void {
  try {
    sessionStorage.setItem(KEY, search);
  } catch {
    // Storage can be unavailable (private modes); the default view is a fine fallback.
  }
}

export function lastQueueUrl(): string {
  try {
    const search = sessionStorage.getItem(KEY);
    return search ? `/queue?${search}` : '/queue';
  } catch {
    return '/queue';
  }
}
