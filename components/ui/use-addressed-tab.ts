"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";

/**
 * A tab whose choice lives in the page's address. `addressed` is the tab the address names now (the
 * page read it from the query string); `hrefFor` is the address of a tab. A click shows the tab at once
 * and pushes its address, so reload, back/forward and links keep it; when the address changes under
 * the component (back/forward), the shown tab follows it.
 */
export function useAddressedTab<T>(addressed: T, hrefFor: (tab: T) => string): [shown: T, select: (tab: T) => void] {
  const router = useRouter();
  const [shown, setShown] = useState<T>(addressed);
  const [lastAddressed, setLastAddressed] = useState<T>(addressed);
  if (lastAddressed !== addressed) {
    setLastAddressed(addressed);
    setShown(addressed);
  }
  const select = (tab: T) => {
    setShown(tab);
    if (tab !== addressed) router.push(hrefFor(tab), { scroll: false });
  };
  return [shown, select];
}
