// Parse a Mermaid gantt diagram with the real Mermaid library and print what it understood.
//
// Usage: node mermaid_gantt.mjs PREFIX < diagram.mmd
//   PREFIX is an npm prefix holding `mermaid` and `jsdom` (the tests use .tools/mermaid).
// Prints JSON {diagramType, dateFormat, axisFormat, tasks: [{id, name, section, start, end}]}
// with times as local wall-clock ISO strings (run with TZ=UTC); exits 1 with the parser's
// message on a syntax error or a task whose dates Mermaid cannot compute.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const prefix = process.argv[2];
const require = createRequire(resolve(prefix, "package.json"));
const load = async (name) => import(pathToFileURL(require.resolve(name)).href);

// Mermaid's sanitizer needs a DOM even to parse; a bare jsdom window is enough.
const { JSDOM } = await load("jsdom");
const { window } = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = window;
globalThis.document = window.document;

const mermaid = (await load("mermaid")).default;
mermaid.initialize({ startOnLoad: false });
const text = readFileSync(0, "utf8");

try {
  const parsed = await mermaid.parse(text);
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  const db = diagram.db;
  const tasks = db.getTasks().map((task) => {
    const valid = (d) => d instanceof Date && !Number.isNaN(d.getTime());
    if (!valid(task.startTime) || !valid(task.endTime)) {
      throw new Error(`task ${task.id}: Mermaid could not compute its dates`);
    }
    return {
      id: task.id,
      name: task.task.trim(),
      section: task.section,
      start: task.startTime.toISOString().slice(0, 16),
      end: task.endTime.toISOString().slice(0, 16),
    };
  });
  console.log(
    JSON.stringify({
      diagramType: parsed.diagramType,
      dateFormat: db.getDateFormat(),
      axisFormat: db.getAxisFormat(),
      tasks,
    }),
  );
} catch (error) {
  console.error(String(error.message ?? error).split("\n").slice(0, 4).join(" "));
  process.exit(1);
}
