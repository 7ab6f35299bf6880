// The official TypeScript MCP client, driven by a scenario, speaking MCP over this process's own stdin/stdout to the
// Java MCP server that started it (vouch-mcp's server tests). The transport classes of the TypeScript SDK only move
// JSON-RPC messages, so a Client can run over the stdio transport the SDK names for servers.
//
//   node ts-client.mjs '<scenario JSON>'
//
// The scenario is a list of steps; each step's outcome is written to stderr as one line "VOUCH-TS <json>":
//   {"op":"list"}                                      -> {"op":"list","tools":["name", ...]}
//   {"op":"call","name":"t","arguments":{...}}         -> {"op":"call","name":"t","result":{...}}
//                                                         or {"op":"call","name":"t","error":{"code":n,"message":"..."}}
//   {"op":"waitFor","path":"/some/file"}               -> waits (at most 30 s) until the file exists
//   {"op":"touch","path":"/some/file"}                 -> creates the file (to tell the test a step is done)
// At the end: "VOUCH-TS {"op":"done"}", and the process exits 0.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { existsSync, writeFileSync } from "node:fs";

function report(obj) {
  process.stderr.write("VOUCH-TS " + JSON.stringify(obj) + "\n");
}

async function waitFor(path) {
  const deadline = Date.now() + 30_000;
  while (!existsSync(path)) {
    if (Date.now() > deadline) {
      throw new Error("timed out waiting for " + path);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const steps = JSON.parse(process.argv[2] ?? "[]");
const client = new Client({ name: "vouch-ts-client", version: "1.0.0" });
const transport = new StdioServerTransport(process.stdin, process.stdout);
try {
  await client.connect(transport);
  for (const step of steps) {
    if (step.op === "list") {
      const listed = await client.listTools();
      report({ op: "list", tools: listed.tools.map((t) => t.name) });
    } else if (step.op === "call") {
      try {
        const result = await client.callTool({ name: step.name, arguments: step.arguments ?? {} });
        report({ op: "call", name: step.name, result });
      } catch (e) {
        report({ op: "call", name: step.name, error: { code: e.code ?? null, message: String(e.message ?? e) } });
      }
    } else if (step.op === "waitFor") {
      await waitFor(step.path);
    } else if (step.op === "touch") {
      writeFileSync(step.path, "");
    } else {
      throw new Error("unknown step " + JSON.stringify(step));
    }
  }
  report({ op: "done" });
  await client.close();
  process.exit(0);
} catch (e) {
  report({ op: "failed", message: String(e && e.stack ? e.stack : e) });
  process.exit(1);
}
