/** True when `<root>/.next/BUILD_ID` is missing or older than a source file under app, components, lib or db. */
export function buildNeeded(root: string): boolean;
