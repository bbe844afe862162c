// dockerfile_check.mjs DOCKERFILE DOCKERIGNORE
//
// The Dockerfile cannot be built here (no image registry to pull the base
// from), so its structure is checked with a real parser (dockerfile-ast):
// a multi-stage build whose stages start from debian:bookworm-slim, the
// runtime stage copying from the build stage, a non-root USER, EXPOSE of the
// HTTP port, a HEALTHCHECK on /health, an exec-form ENTRYPOINT; and a
// .dockerignore that keeps build trees and node_modules out of the context.
import fs from "node:fs";
import { DockerfileParser } from "dockerfile-ast";

const [file, ignoreFile] = process.argv.slice(2);
const df = DockerfileParser.parse(fs.readFileSync(file, "utf8"));
let failures = 0;
const check = (what, ok, detail = "") => {
  console.log(`${ok ? "ok" : "FAIL"}: ${what}${ok || !detail ? "" : ` (${detail})`}`);
  if (!ok) failures++;
};

const froms = df.getFROMs();
check("two or more stages (multi-stage)", froms.length >= 2, `${froms.length} FROM`);
for (const f of froms)
  check(`stage ${f.getBuildStage() ?? "(unnamed)"} starts from debian:bookworm-slim`,
    f.getImageName() === "debian" && f.getImageTag() === "bookworm-slim", f.getImage());

// Instructions of the final stage: those after the last FROM.
const all = df.getInstructions();
const lastFrom = froms[froms.length - 1];
const final = all.filter((i) => i.getRange().start.line > lastFrom.getRange().start.line);
const kw = (i) => i.getKeyword();
const args = (i) => i.getArguments().map((a) => a.getValue());
const buildStages = froms.slice(0, -1).map((f) => f.getBuildStage()).filter(Boolean);
check("the final stage copies from a build stage",
  final.some((i) => kw(i) === "COPY" && i.getFromFlag && buildStages.includes(i.getFromFlag()?.getValue())));

const users = final.filter((i) => kw(i) === "USER");
const user = users.length ? args(users[users.length - 1]).join(" ") : "";
check("the final stage has a USER", users.length > 0);
check(`the USER is not root (${user})`, !!user && !/^(root|0)(:|$)/.test(user));
const expose = final.filter((i) => kw(i) === "EXPOSE").flatMap(args);
check(`EXPOSE 8080 (${expose.join(" ")})`, expose.some((p) => p.replace(/\/tcp$/, "") === "8080"));
const hc = final.find((i) => kw(i) === "HEALTHCHECK");
const hcText = hc ? hc.getTextContent() : "";
check("a HEALTHCHECK that requests /health", !!hc && /CMD/.test(hcText) && hcText.includes("/health"), hcText);
check("the HEALTHCHECK has an interval and a timeout", /--interval=/.test(hcText) && /--timeout=/.test(hcText));
const ep = final.find((i) => kw(i) === "ENTRYPOINT");
check("an exec-form ENTRYPOINT running mcp-host (signals reach it: SIGTERM drains)",
  !!ep && ep.getTextContent().includes("[") && ep.getTextContent().includes("mcp-host"));
const unknown = all.filter((i) => !["FROM", "RUN", "COPY", "WORKDIR", "USER", "EXPOSE", "HEALTHCHECK", "ENTRYPOINT",
  "CMD", "ENV", "ARG", "LABEL", "STOPSIGNAL", "ADD", "VOLUME", "SHELL", "ONBUILD"].includes(kw(i)));
check("only known instructions", unknown.length === 0, unknown.map(kw).join(","));
const problems = all.filter((i) => kw(i) !== "FROM" && args(i).length === 0);
check("no instruction without arguments", problems.length === 0, problems.map(kw).join(","));

const ignore = fs.readFileSync(ignoreFile, "utf8").split("\n").map((l) => l.trim());
for (const p of [".git", "build", "**/node_modules"]) check(`.dockerignore excludes ${p}`, ignore.includes(p));

console.log(failures ? `dockerfile: ${failures} check(s) failed` : "dockerfile: all checks passed");
process.exit(failures ? 1 : 0);
