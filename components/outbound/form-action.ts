import type { ErrorCode } from "@/lib/errors";

/** What a server action built with app/_server/action.ts answers (kept structural so components need no app/ import). */
export type FormResult<T> = { ok: true; data: T } | { ok: false; code: ErrorCode; message: string; fieldErrors?: Record<string, string[]>; values?: Record<string, string> };
export type FormAction<T> = (previous: FormResult<T> | null, form: FormData) => Promise<FormResult<T>>;
