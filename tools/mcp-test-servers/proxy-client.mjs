// The official TypeScript MCP client, driven by a scenario, as an agent would use it through vouch-mcp-proxy
// (the proxy's tests). Two ways to reach the proxy:
//
//   node proxy-client.mjs '<scenario JSON>'                      speaks MCP over this process's own stdin/stdout
//                                                                (the test connects them to an in-process proxy)
//   node proxy-client.mjs '<scenario JSON>' '<command JSON>'     starts the command (["java", "-jar", ...]) and
//                                                                speaks MCP over its stdio, as an MCP configuration does
//
// The client declares the sampling capability and answers sampling/createMessage with a scripted message, so that
// server-to-client requests can cross the proxy. Each step's outcome is written to stderr as one line "VOUCH-TS <json>":
//   {"op":"list"}                                      -> {"op":"list","tools":["name", ...]}
//   {"op":"call","name":"t","arguments":{...}}         -> {"op":"call","name":"t","result":{...},"progress":n}
//                                                         or {"op":"call","name":"t","error":{"code":n,"message":"..."}}
//       (with "progress":true the call asks for progress notifications and reports how many arrived first)
//   {"op":"parallel","calls":[{call}, ...]}            -> one "call" line per call, in the order given, after all end
//   {"op":"ping"}                                      -> {"op":"ping","ok":true}
//   {"op":"waitFor","path":"/some/file"}               -> waits (at most 30 s) until the file exists
//   {"op":"touch","path":"/some/file"}                 -> creates the file (to tell the test a step is done)
// At the end: "VOUCH-TS {"op":"done"}", and the process exits 0.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { CreateMessageRequestSchema } from "@modelcontextprotocol/sdk/types.js";
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

async function call(client, step) {
  let progress = 0;
  const options = step.progress ? { onprogress: () => { progress++; } } : {};
  try {
    const result = await client.callTool({ name: step.name, arguments: step.arguments ?? {} }, undefined, options);
    return { op: "call", name: step.name, result, progress };
  } catch (e) {
    return { op: "call", name: step.name, error: { code: e.code ?? null, message: String(e.message ?? e) } };
  }
}

const steps = JSON.parse(process.argv[2] ?? "[]");
const spawn = process.argv[3] ? JSON.parse(process.argv[3]) : null;
const client = new Client({ name: "vouch-proxy-test-client", version: "1.0.0" }, { capabilities: { sampling: {} } });
client.setRequestHandler(CreateMessageRequestSchema, async () => ({
  model: "scripted-model",
  role: "assistant",
  content: { type: "text", text: "scripted answer" },
}));
const transport = spawn
  ? new StdioClientTransport({ command: spawn[0], args: spawn.slice(1), stderr: "inherit" })
  : new StdioServerTransport(process.stdin, process.stdout);
try {
  await client.connect(transport);
  for (const step of steps) {
    if (step.op === "list") {
      const listed = await client.listTools();
      report({ op: "list", tools: listed.tools.map((t) => t.name) });
    } else if (step.op === "call") {
      report(await call(client, step));
    } else if (step.op === "parallel") {
      const outcomes = await Promise.all(step.calls.map((c) => call(client, c)));
      outcomes.forEach(report);
    } else if (step.op === "ping") {
      await client.ping();
      report({ op: "ping", ok: true });
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
