// OpenAPI links from each create to what it made (OpenAPI 3.1, section 4.8.20): a client or a
// stateful fuzzer that created something can follow the answer's id to the operations on it — its
// read, update and delete, and its sub-resources — without knowing the URL scheme. Worked out
// from the document itself: a 201 at `P` links every operation at `P/{x}…` (a rerun's 201 links
// those of the collection its path is in), `x` taken from the answer's id and every other path
// parameter from the request's.

type Operation = { operationId?: string; responses?: Record<string, Record<string, unknown>> };
type Paths = Record<string, Record<string, Operation>>;

const PARAM = /^\{(\w+)\}$/;
const paramsOf = (path: string) =>
  [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '').filter(Boolean);

/** Operations under `collection/{x}`, and the name `x` takes there. */
function operationsOn(paths: Paths, collection: string) {
  return Object.entries(paths).flatMap(([path, operations]) => {
    if (!path.startsWith(`${collection}/`)) return [];
    const created = PARAM.exec(path.slice(collection.length + 1).split('/')[0] ?? '')?.[1];
    if (created === undefined) return [];
    return Object.values(operations).flatMap((operation) =>
      operation.operationId === undefined ? [] : [{ path, created, operation }],
    );
  });
}

/** The collection a created thing lands in: `P` itself, or for `C/{id}/verb`, `C`. */
function collectionOf(paths: Paths, path: string): string | undefined {
  if (operationsOn(paths, path).length > 0) return path;
  const parent = /^(.*)\/\{\w+\}\/\w+$/.exec(path)?.[1];
  return parent !== undefined && operationsOn(paths, parent).length > 0 ? parent : undefined;
}

export function withLinks<D extends { paths?: unknown }>(document: D): D {
  const paths = (document.paths ?? {}) as Paths;
  for (const [path, operations] of Object.entries(paths)) {
    const created = operations.post?.responses?.['201'];
    const collection = collectionOf(paths, path);
    // A singleton made at its own path (the session) is read back there.
    const read = operations.get?.operationId;
    if (created !== undefined && collection === undefined && read !== undefined)
      created.links = { [read]: { operationId: read, parameters: {} } };
    if (created === undefined || collection === undefined) continue;
    const requestParams = new Set(paramsOf(path));
    const links = Object.fromEntries(
      operationsOn(paths, collection).flatMap(({ path: target, created: name, operation }) => {
        const params = paramsOf(target);
        // A parameter neither the answer nor the request has (another id) cannot be filled in.
        if (params.some((p) => p !== name && !requestParams.has(p))) return [];
        return [
          [
            operation.operationId ?? '',
            {
              operationId: operation.operationId,
              parameters: Object.fromEntries(
                params.map((p) => [p, p === name ? '$response.body#/id' : `$request.path.${p}`]),
              ),
            },
          ],
        ];
      }),
    );
    if (Object.keys(links).length > 0) created.links = links;
  }
  return document;
}
