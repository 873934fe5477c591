import type { Metadata } from "next";
import { cookies } from "next/headers";
import type { ReactNode } from "react";
import { StyleNonce } from "@/components/ui/style-nonce";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Steward", template: "%s · Steward" },
  description: "Governance console for AI agents",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const theme = (await cookies()).get("steward-theme")?.value;
  return (
    <html lang="en" data-theme={theme === "light" || theme === "dark" ? theme : undefined}>
      <body>
        <StyleNonce />
        {children}
      </body>
    </html>
  );
}
