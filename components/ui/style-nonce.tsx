"use client";

import { setNonce } from "get-nonce";
import { useEffect } from "react";

/**
 * Hands this page's CSP nonce to the libraries that write `<style>` elements at run time: Radix
 * Dialog's scroll lock (react-remove-scroll-bar, through react-style-singleton) asks `get-nonce` for
 * one, and without it the browser refuses the element under `style-src-elem 'nonce-…'` on every
 * dialog opened. The nonce is read from the page's own scripts (Next.js stamps each one; the
 * `nonce` property stays readable to scripts after the browser hides the attribute), so it is never
 * written into the page again. Rendered once, by the root layout; it renders nothing.
 */
export function StyleNonce() {
  useEffect(() => {
    const nonce = pageNonce();
    if (nonce) setNonce(nonce);
  }, []);
  return null;
}

/** This page's CSP nonce, for a library that takes it directly (CodeMirror's `EditorView.cspNonce`); undefined on the server. */
export function pageNonce(): string | undefined {
  if (typeof document === "undefined") return undefined;
  return document.querySelector<HTMLScriptElement>("script[nonce]")?.nonce || undefined;
}
