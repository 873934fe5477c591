// The decision links moved to components/ui/entity-links.ts (one place for every entity's address).
export { decisionHref, traceHref } from "@/components/ui/entity-links";
