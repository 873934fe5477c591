"use client";

import { useEffect } from "react";

/**
 * Puts keyboard focus back on the control that reloaded the page, when the address's fragment names it and it
 * says so (`data-refocus`). A table's sort header is a plain link: the page loads afresh and focus would start
 * over at the top, making a keyboard user tab through the skip link and the navigation to get back to the table.
 * A fragment naming any other element is left to the browser (it scrolls there, as usual).
 */
export function RefocusFromAddress() {
  useEffect(() => {
    const id = decodeURIComponent(window.location.hash.slice(1));
    if (!id) return;
    const target = document.getElementById(id);
    if (target?.hasAttribute("data-refocus")) target.focus();
  }, []);
  return null;
}
