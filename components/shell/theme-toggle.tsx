"use client";

import { useEffect, useState } from "react";

type Theme = "system" | "light" | "dark";

/** Stored in a cookie so the server renders the chosen theme on the first paint. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>("system");
  useEffect(() => {
    const current = document.documentElement.dataset.theme;
    // eslint-disable-next-line react-hooks/set-state-in-effect -- sync with the attribute the server rendered
    setTheme(current === "light" || current === "dark" ? current : "system");
  }, []);
  const choose = (next: Theme) => {
    setTheme(next);
    if (next === "system") delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = next;
    document.cookie = `steward-theme=${next}; path=/; max-age=31536000; samesite=lax`;
  };
  return (
    <label>
      Theme{" "}
      <select value={theme} onChange={(event) => choose(event.target.value as Theme)}>
        <option value="system">System</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </label>
  );
}
