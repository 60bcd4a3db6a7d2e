// Who tickets can be assigned to and which categories exist: shared by the queue's filters, the
// ticket page and the new-ticket form (urql caches the one query).
import { useMemo } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../../gql';

const WorkspaceOptionsDocument = graphql(`
  query WorkspaceOptions {
    members(first: 100, roles: [OWNER, ADMIN, AGENT]) {
      nodes {
        id
        name
        email
        status
      }
    }
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

export interface Agent {
  id: string;
  name: string;
  email: string;
}

export interface CategoryOption {
  id: string;
  /** "Hardware › Printer" for a subcategory. */
  label: string;
  parentId: string | null;
}

export function useWorkspaceOptions(): { agents: Agent[]; categories: CategoryOption[]; loading: boolean } {
  const [{ data, fetching }] = useQuery({ query: WorkspaceOptionsDocument });
  return useMemo(() => {
    const agents = (data?.members.nodes ?? []).filter((m) => m.status === 'ACTIVE');
    const raw = data?.organization?.categories ?? [];
    const names = new Map(raw.map((c) => [c.id, c.name]));
    const categories: CategoryOption[] = [];
    for (const top of raw.filter((c) => !c.parentId)) {
      categories.push({ id: top.id, label: top.name, parentId: null });
      for (const sub of raw.filter((c) => c.parentId === top.id)) {
        categories.push({ id: sub.id, label: `${names.get(top.id)} › ${sub.name}`, parentId: top.id });
      }
    }
    return { agents, categories, loading: fetching && !data };
  }, [data, fetching]);
}
