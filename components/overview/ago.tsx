import { formatUtc } from "@/components/ui/format-utc";

/** "5 min ago" relative to `now`, with the absolute UTC time on hover and in `dateTime`. */
export function Ago({ at, now }: { at: Date | null; now: Date }) {
  if (!at) return <span className="muted">never</span>;
  const seconds = Math.max(0, Math.round((now.getTime() - at.getTime()) / 1000));
  const text =
    seconds < 60 ? `${seconds} s ago` : seconds < 3_600 ? `${Math.floor(seconds / 60)} min ago` : seconds < 86_400 ? `${Math.floor(seconds / 3_600)} h ago` : `${Math.floor(seconds / 86_400)} d ago`;
  const absolute = `${formatUtc(at, "second")} UTC`;
  return (
    <time dateTime={at.toISOString()} title={absolute}>
      {text}
    </time>
  );
}
