export { OutcomeBadge } from "@/components/ui/status-badge";
