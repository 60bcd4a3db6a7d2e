// Departments and the categories that route tickets to them.
import { useQuery } from 'urql';
import { describeError } from '../../api/errors';
import { graphql } from '../../gql';
import { Alert, EmptyState, PageLoading } from '../../ui/Feedback';
import { ListIcon } from '../../ui/icons';

const CatalogDocument = graphql(`
  query AdminCatalog {
    organization {
      id
      departments {
        id
        name
      }
      categories {
        id
        name
        parentId
        departmentId
        position
      }
    }
  }
`);

export function Catalog() {
  const [{ data, fetching, error }] = useQuery({ query: CatalogDocument });
  const org = data?.organization;
  return (
    <div className="page">
      <header className="page__header">
        <div>
          <h1>Categories</h1>
          <p className="page__subtitle">
            A ticket’s category decides its department, and the department’s SLA policies set its targets.
          </p>
        </div>
      </header>
      {error && <Alert>{describeError(error).message}</Alert>}
      {!data && fetching ? (
        <PageLoading label="Loading categories" />
      ) : !org || org.departments.length === 0 ? (
        <EmptyState icon={<ListIcon size={20} />} title="No departments" />
      ) : (
        <div className="catalog">
          {org.departments.map((dept) => {
            const tops = org.categories
              .filter((c) => c.departmentId === dept.id && !c.parentId)
              .sort((a, b) => a.position - b.position);
            return (
              <section key={dept.id} className="card" aria-labelledby={`dept-${dept.id}`}>
                <div className="card__header">
                  <h2 id={`dept-${dept.id}`}>{dept.name}</h2>
                  <span className="muted small">
                    {tops.length} {tops.length === 1 ? 'category' : 'categories'}
                  </span>
                </div>
                <ul className="catalog__list">
                  {tops.map((top) => {
                    const subs = org.categories.filter((c) => c.parentId === top.id).sort((a, b) => a.position - b.position);
                    return (
                      <li key={top.id}>
                        <span className="catalog__name">{top.name}</span>
                        {subs.length > 0 && <span className="catalog__subs">{subs.map((s) => s.name).join(' · ')}</span>}
                      </li>
                    );
                  })}
                  {tops.length === 0 && <li className="muted">No categories route here.</li>}
                </ul>
              </section>
            );
          })}
        </div>
      )}
    </div>
  );
}
