import { setMaxListeners } from "node:events";

/** A long-lived controller whose signal is combined (AbortSignal.any) into one request after another; lifts Node's 10-listener warning. */
export function abortController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}
