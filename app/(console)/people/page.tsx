import type { Metadata } from "next";
import Link from "next/link";
import { requirePageActor } from "@/app/_server/page-guard";
import { DataTable } from "@/components/ui/data-table";
import { PageHeader } from "@/components/ui/page-header";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { listUsers, ListUsersQuery } from "@/lib/users/list-users";
import { readPageQuery } from "@/lib/http/query";
import { tableSort } from "@/components/ui/table-sort";
import { CreateUserForm } from "@/components/people/create-user-form";
import { UserRowActions } from "@/components/people/user-row-actions";
import { changeUserRoleAction, createUserAction, deactivateUserAction, reactivateUserAction, resetUserPasswordAction } from "./actions";

const USER_ROW_ACTIONS = { changeRole: changeUserRoleAction, deactivate: deactivateUserAction, reactivate: reactivateUserAction, resetPassword: resetUserPasswordAction };
import { formatUtc } from "@/components/ui/format-utc";

export const metadata: Metadata = { title: "Console users" };

export default async function PeoplePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requirePageActor("users.read", "/people");
  const params = await searchParams;
  const { sort } = readPageQuery(params, ListUsersQuery);
  const users = await listUsers({ ctx, sort });
  return (
    <>
      <PageHeader
        title="Console users"
        description={
          <>
            Who can sign in to Steward, and with which role. The people who own agents (from your directory or added by hand) are under{" "}
            <Link href="/agents/people">Agents → Directory people &amp; teams</Link>.
          </>
        }
      />
      <section className="card" aria-labelledby="people-list">
        <h2 id="people-list">Console users</h2>
        <DataTable
          caption="Console users"
          rows={users}
          sort={tableSort("/people", sort, params)}
          rowKey={(user) => user.id}
          rowAttributes={(user) => ({ "data-testid": `user-${user.email}` })}
          columns={[
            { header: "Name", sortKey: "name", cell: (user) => user.name },
            { header: "Email", sortKey: "email", cell: (user) => user.email },
            { header: "Role", sortKey: "role", cell: (user) => ROLE_LABELS[user.role] },
            { header: "Status", sortKey: "status", cell: (user) => (user.active ? <span className="badge ok">Active</span> : <span className="badge danger">Deactivated</span>) },
            { header: "Last sign-in", sortKey: "lastSignIn", cell: (user) => (user.lastSignInAt ? `${formatUtc(user.lastSignInAt)} UTC` : <span className="muted">never</span>) },
            { header: "Change", cell: (user) => <UserRowActions user={user} isSelf={user.id === ctx.actor.userId} actions={USER_ROW_ACTIONS} roleLabels={ROLE_LABELS} /> },
          ]}
        />
      </section>
      <section className="card" aria-labelledby="add-person">
        <h2 id="add-person">Add a person</h2>
        <CreateUserForm createUser={createUserAction} roleLabels={ROLE_LABELS} />
      </section>
    </>
  );
}
