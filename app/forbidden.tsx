import Link from "next/link";

export default function Forbidden() {
  return (
    <main className="auth-page">
      <div className="card auth-card">
        <h1>Not allowed</h1>
        <p>Your role does not allow this page. Ask an administrator if you need access.</p>
        <Link href="/">Back to the overview</Link>
      </div>
    </main>
  );
}
