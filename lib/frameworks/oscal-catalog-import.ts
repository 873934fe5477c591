import { StewardError } from "../errors";
import { validateOscalCatalog } from "./oscal-validator";
import { CatalogDocument, type CatalogItem } from "./schemas";

type OscalPart = { name?: string; prose?: string; parts?: OscalPart[] };
type OscalProp = { name?: string; value?: string };
type OscalControl = { id?: string; title?: string; class?: string; props?: OscalProp[]; parts?: OscalPart[]; controls?: OscalControl[] };
type OscalGroup = OscalControl & { groups?: OscalGroup[] };
type OscalCatalog = { catalog: { metadata: { title: string; version: string; publisher?: string; parties?: { name?: string }[] }; groups?: OscalGroup[]; controls?: OscalControl[] } };

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80);

/** The official id lives in a `label` prop when the OSCAL id had to be converted to a token. */
const officialId = (node: OscalControl, fallback: string) => node.props?.find((prop) => prop.name === "label")?.value ?? node.id ?? fallback;

const isWithdrawn = (node: OscalControl) => node.props?.some((prop) => prop.name === "status" && prop.value === "withdrawn") ?? false;

function prose(parts: OscalPart[] | undefined): string {
  const statement = parts?.find((part) => part.name === "statement" || part.name === "overview");
  const texts: string[] = [];
  const walk = (part: OscalPart) => {
    if (part.prose) texts.push(part.prose);
    part.parts?.forEach(walk);
  };
  if (statement) walk(statement);
  return texts.join(" ").slice(0, 4000);
}

/** Turns a schema-valid OSCAL catalog into Steward's catalog shape: groups and controls become items. */
export function catalogFromOscal(document: unknown, frameworkId: string | undefined): CatalogDocument {
  const verdict = validateOscalCatalog(document);
  if (!verdict.valid) {
    throw new StewardError("invalid_input", `Not a valid OSCAL catalog: ${verdict.errors.join("; ")}`, { path: "document", details: verdict.errors });
  }
  const { catalog } = document as OscalCatalog;
  const items: CatalogItem[] = [];
  const visit = (node: OscalGroup, parent: string | null, kind: string) => {
    if (isWithdrawn(node)) return;
    const id = officialId(node, `${parent ?? "group"}-${items.length + 1}`);
    items.push({ id, title: node.title || id, parent, kind: node.class ?? kind, description: prose(node.parts) });
    node.groups?.forEach((group) => visit(group, id, "group"));
    node.controls?.forEach((control) => visit(control, id, "control"));
  };
  catalog.groups?.forEach((group) => visit(group, null, "group"));
  catalog.controls?.forEach((control) => visit(control, null, "control"));
  const title = catalog.metadata.title;
  return CatalogDocument.parse({
    id: frameworkId ?? slug(title),
    name: title,
    shortName: title.slice(0, 60),
    version: catalog.metadata.version,
    publisher: catalog.metadata.parties?.[0]?.name ?? "",
    description: "",
    items,
  });
}
