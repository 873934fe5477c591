// GET/POST /api/auth/* — next-auth's own sign-in, callback, session and sign-out endpoints
import { handlers } from "@/app/_server/auth";

export const { GET, POST } = handlers;
