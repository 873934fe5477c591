import type { Metadata } from "next";
import { requirePageActor } from "@/app/_server/page-guard";
import { PageHeader } from "@/components/ui/page-header";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { listUsers } from "@/lib/users/list-users";
import { CreateUserForm } from "./create-user-form";
import { UserRowActions } from "./user-row-actions";

export const metadata: Metadata = { title: "People" };

export default async function PeoplePage() {
  const ctx = await requirePageActor("users.read", "/people");
  const users = await listUsers({ ctx });
  return (
    <>
      <PageHeader title="People" description="Who can sign in to Steward, and with which role." />
      <section className="card" aria-labelledby="people-list">
        <h2 id="people-list">Console users</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {users.map((user) => (
                <tr key={user.id} data-testid={`user-${user.email}`}>
                  <td>{user.name}</td>
                  <td>{user.email}</td>
                  <td>{ROLE_LABELS[user.role]}</td>
                  <td>{user.active ? <span className="badge ok">Active</span> : <span className="badge danger">Deactivated</span>}</td>
                  <td>{user.lastSignInAt ? user.lastSignInAt.toISOString().slice(0, 16).replace("T", " ") + " UTC" : <span className="muted">never</span>}</td>
                  <td>
                    <UserRowActions user={user} isSelf={user.id === ctx.actor.userId} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section className="card" aria-labelledby="add-person">
        <h2 id="add-person">Add a person</h2>
        <CreateUserForm />
      </section>
    </>
  );
}
