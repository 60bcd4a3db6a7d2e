// Departments and the categories that route tickets to them: admins add departments (each starts
// with the default SLA targets), add, rename and delete categories (one in use cannot be deleted).
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, type CombinedError } from 'urql';
import { describeError, hasProblem, noProblem, type Problem } from '../../api/errors';
import { graphql } from '../../gql';
import { Button } from '../../ui/Button';
import { Alert, EmptyState, PageLoading } from '../../ui/Feedback';
import { TextField } from '../../ui/Field';
import { ListIcon, PlusIcon } from '../../ui/icons';
import { Dialog } from '../../ui/Overlay';
import { useToast } from '../../ui/Toast';

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

const CreateDepartmentDocument = graphql(`
  mutation CreateDepartment($name: String!) {
    createDepartment(name: $name) {
      id
    }
  }
`);

const RenameDepartmentDocument = graphql(`
  mutation RenameDepartment($id: ID!, $name: String!) {
    renameDepartment(id: $id, name: $name) {
      id
    }
  }
`);

const CreateCategoryDocument = graphql(`
  mutation CreateCategory($input: CreateCategoryInput!) {
    createCategory(input: $input) {
      id
    }
  }
`);

const RenameCategoryDocument = graphql(`
  mutation RenameCategory($id: ID!, $name: String!) {
    renameCategory(id: $id, name: $name) {
      id
    }
  }
`);

const DeleteCategoryDocument = graphql(`
  mutation DeleteCategory($id: ID!) {
    deleteCategory(id: $id)
  }
`);

/** What the name dialog is for: its title, the current name, and what saving does. */
interface Naming {
  title: string;
  label: string;
  initial: string;
  save: (name: string) => Promise<{ error?: CombinedError }>;
  done: (name: string) => string;
}

export function Catalog() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: CatalogDocument });
  const [, createDepartment] = useMutation(CreateDepartmentDocument);
  const [, renameDepartment] = useMutation(RenameDepartmentDocument);
  const [, createCategory] = useMutation(CreateCategoryDocument);
  const [, renameCategory] = useMutation(RenameCategoryDocument);
  const [, deleteCategory] = useMutation(DeleteCategoryDocument);
  const [naming, setNaming] = useState<Naming | null>(null);
  const toast = useToast();
  const org = data?.organization;
  const refresh = () => refetch({ requestPolicy: 'network-only' });

  async function remove(id: string, name: string) {
    if (!window.confirm(`Delete the category “${name}” and its subcategories?`)) return;
    const result = await deleteCategory({ id });
    if (result.error) toast({ tone: 'danger', title: `“${name}” was not deleted`, description: describeError(result.error).message ?? undefined });
    else toast({ tone: 'success', title: `“${name}” deleted` });
    refresh();
  }

  return (
    <div className="page">
      <header className="page__header">
        <div>
          <h1>Categories</h1>
          <p className="page__subtitle">
            A ticket’s category decides its department, and the department’s SLA policies set its targets.
          </p>
        </div>
        <Button
          variant="primary"
          icon={<PlusIcon />}
          onClick={() =>
            setNaming({
              title: 'Add a department',
              label: 'Department name',
              initial: '',
              save: (name) => createDepartment({ name }),
              done: (name) => `${name} added, with the default SLA targets`,
            })
          }
        >
          Add department
        </Button>
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
            const addCategory = (parent: { id: string; name: string } | null) =>
              setNaming({
                title: parent ? `Add a subcategory to ${parent.name}` : `Add a category to ${dept.name}`,
                label: 'Category name',
                initial: '',
                save: (name) => createCategory({ input: { departmentId: dept.id, parentId: parent?.id ?? null, name } }),
                done: (name) => `${name} added`,
              });
            const rename = (c: { id: string; name: string }) =>
              setNaming({
                title: `Rename ${c.name}`,
                label: 'Category name',
                initial: c.name,
                save: (name) => renameCategory({ id: c.id, name }),
                done: (name) => `Renamed to ${name}`,
              });
            return (
              <section key={dept.id} className="card" aria-labelledby={`dept-${dept.id}`}>
                <div className="card__header">
                  <h2 id={`dept-${dept.id}`}>{dept.name}</h2>
                  <div className="row">
                    <Button
                      size="sm"
                      variant="ghost"
                      aria-label={`Rename the ${dept.name} department`}
                      onClick={() =>
                        setNaming({
                          title: `Rename ${dept.name}`,
                          label: 'Department name',
                          initial: dept.name,
                          save: (name) => renameDepartment({ id: dept.id, name }),
                          done: (name) => `Renamed to ${name}`,
                        })
                      }
                    >
                      Rename
                    </Button>
                    <Button size="sm" icon={<PlusIcon />} onClick={() => addCategory(null)}>
                      Add category
                    </Button>
                  </div>
                </div>
                <ul className="catalog__list">
                  {tops.map((top) => {
                    const subs = org.categories.filter((c) => c.parentId === top.id).sort((a, b) => a.position - b.position);
                    return (
                      <li key={top.id}>
                        <div className="catalog__row">
                          <span className="catalog__name">{top.name}</span>
                          <CategoryActions
                            name={top.name}
                            onRename={() => rename(top)}
                            onDelete={() => void remove(top.id, top.name)}
                            onAddSub={() => addCategory(top)}
                          />
                        </div>
                        {subs.length > 0 && (
                          <ul className="catalog__subs">
                            {subs.map((sub) => (
                              <li key={sub.id} className="catalog__row">
                                <span>{sub.name}</span>
                                <CategoryActions
                                  name={sub.name}
                                  onRename={() => rename(sub)}
                                  onDelete={() => void remove(sub.id, sub.name)}
                                />
                              </li>
                            ))}
                          </ul>
                        )}
                      </li>
                    );
                  })}
                  {tops.length === 0 && <li className="muted">No categories route here yet: add one.</li>}
                </ul>
              </section>
            );
          })}
        </div>
      )}
      <NameDialog
        naming={naming}
        onClose={() => setNaming(null)}
        onSaved={(message) => {
          toast({ tone: 'success', title: message });
          refresh();
        }}
      />
    </div>
  );
}

function CategoryActions({
  name,
  onRename,
  onDelete,
  onAddSub,
}: {
  name: string;
  onRename: () => void;
  onDelete: () => void;
  onAddSub?: () => void;
}) {
  return (
    <span className="catalog__actions">
      {onAddSub && (
        <Button size="sm" variant="ghost" aria-label={`Add subcategory to ${name}`} onClick={onAddSub}>
          Add subcategory
        </Button>
      )}
      <Button size="sm" variant="ghost" aria-label={`Rename ${name}`} onClick={onRename}>
        Rename
      </Button>
      <Button size="sm" variant="ghost" aria-label={`Delete ${name}`} onClick={onDelete}>
        Delete
      </Button>
    </span>
  );
}

function NameDialog({
  naming,
  onClose,
  onSaved,
}: {
  naming: Naming | null;
  onClose: () => void;
  onSaved: (message: string) => void;
}) {
  const [problem, setProblem] = useState<Problem>(noProblem);
  const [saving, setSaving] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!naming) return;
    const name = String(new FormData(e.currentTarget).get('name') ?? '').trim();
    if (!name) {
      setProblem({ ...noProblem, fields: { name: 'Enter a name.' } });
      return;
    }
    setSaving(true);
    const result = await naming.save(name);
    setSaving(false);
    const p = describeError(result.error, ['name']);
    setProblem(p);
    if (!hasProblem(p)) {
      onSaved(naming.done(name));
      onClose();
    }
  }

  return (
    <Dialog
      open={naming !== null}
      onOpenChange={(open) => {
        if (!open) {
          setProblem(noProblem);
          onClose();
        }
      }}
      title={naming?.title ?? ''}
    >
      {naming && (
        <form className="stack" noValidate onSubmit={(e) => void submit(e)}>
          {problem.message && <Alert>{problem.message}</Alert>}
          <TextField label={naming.label} name="name" defaultValue={naming.initial} error={problem.fields.name} autoFocus autoComplete="off" />
          <div className="dialog__actions">
            <Button onClick={onClose}>Cancel</Button>
            <Button type="submit" variant="primary" loading={saving}>
              Save
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
