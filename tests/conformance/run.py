#!/usr/bin/env python3
"""Conformance runner: every .ward file under the given folders is a case.

A case runs the real `ward` binary and checks what its header comments say:

    # args: check --format json          (default: check --no-stdlib; `test` runs the case's test blocks,
                                         `fmt` formats the case, `repl` reads the `# input:` lines)
    # facts: facts/two-subnets.json       (default: <name>.facts.json beside it, else facts/empty.json)
    # exit: 1                             (expected exit code; default 0 or 1, or 2 with expect error)
    # expect: finding RULE on RESOURCE    (the exact set of unexempted findings, from a JSON run)
    # expect: no findings
    # expect error: LINE:COL: MESSAGE     (stderr has "<file>:LINE:COL: error: MESSAGE")
    # expect stdout: TEXT                 (stdout contains TEXT; for `eval`, TEXT is a whole line of stdout)
    # expect stderr: REGEX                (some line of stderr matches REGEX)
    # rule: RULE-ID                       (compare only this rule's findings)
    # expect message: TEXT                (some compared finding's message contains TEXT)
    # policy: other.ward                  (an extra --policy passed after the case itself; repeatable)
    # eval: EXPR                          (run `ward eval --no-stdlib` on EXPR, with the case as --policy)
    # input: LINE                         (a line of standard input, for `# args: repl`; repeatable)
    # deterministic                       (run the JSON check twice: it must parse and be byte-identical)
    # helper                              (not a case: a module other cases pass with `# policy:`)

When <name>.golden exists, stdout and stderr of the run must equal it byte for
byte; `--update` rewrites goldens after a reviewed change. A .ward case must
assert something (an `# exit:`, an `# expect...` line, `# deterministic` or a
golden); `# expect:` and `# expect message:` need a `check` run. Markdown files
(docs) are cases too: each ```ward block must compile and pass its own
`# expect` lines; a block's `# facts:` and `# policy:` paths are relative to
the repository. The last line is "N passed, N failed".
"""
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WARD = os.environ.get("WARD", os.path.join(ROOT, "build", "tools", "ward"))
DIRECTIVE = re.compile(
    r"^\s*#\s*(args|facts|exit|rule|expect|expect error|expect stdout|expect stderr|expect message|policy|eval|input):\s*(.*?)\s*$"
    r"|^\s*#\s*(deterministic|helper)\s*$")


def directives(text):
    out = []
    for line in text.splitlines():
        m = DIRECTIVE.match(line)
        if m and m.group(3):
            out.append((m.group(3), ""))
        elif m:
            out.append((m.group(1), m.group(2)))
    return out


def run(args, cwd, stdin=""):
    p = subprocess.run([WARD] + args, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


class Case:
    def __init__(self, path, text, name=None, cwd=None, paths_root=None):
        self.path = path
        self.paths_root = paths_root  # docs blocks' `# facts:`/`# policy:` paths are repository-relative
        self.text = text
        self.name = name or os.path.relpath(path, ROOT)
        self.cwd = cwd or os.path.dirname(path)

    def check(self, update):
        ds = directives(self.text)
        args = None
        facts = None
        exit_code = None
        want_findings = None
        errors = []
        stdout_has = []
        stderr_matches = []
        only_rule = None
        messages = []
        extra_policies = []
        eval_expr = None
        deterministic = False
        stdin = ""
        for key, val in ds:
            if key == "args":
                args = val.split()
            elif key == "facts":
                facts = val
            elif key == "exit":
                exit_code = int(val)
            elif key == "expect":
                want_findings = want_findings or set()
                if val != "no findings":
                    m = re.match(r"finding (\S+) on (\S+)$", val)
                    if not m:
                        return [f"bad expect line: {val}"]
                    want_findings.add((m.group(1), m.group(2)))
            elif key == "expect error":
                errors.append(val)
            elif key == "expect stdout":
                stdout_has.append(val)
            elif key == "expect stderr":
                stderr_matches.append(val)
            elif key == "rule":
                only_rule = val
            elif key == "expect message":
                messages.append(val)
            elif key == "policy":
                extra_policies.append(val)
            elif key == "eval":
                eval_expr = val
            elif key == "deterministic":
                deterministic = True
            elif key == "input":
                stdin += val + "\n"
        if args is None:
            args = ["eval", "--no-stdlib"] if eval_expr is not None else ["check", "--no-stdlib"]
        # Without an `# exit:` line a case must end cleanly (0, or 1 for
        # findings); with `# expect error:` lines it must exit 2.
        allowed = {exit_code} if exit_code is not None else ({2} if errors else {0, 1})
        base = os.path.splitext(os.path.basename(self.path))[0]
        if facts is not None and self.paths_root:
            facts = os.path.join(self.paths_root, facts)
        if facts is None:
            default = os.path.join(self.cwd, base + ".facts.json")
            facts = base + ".facts.json" if os.path.exists(default) else os.path.relpath(
                os.path.join(ROOT, "tests", "conformance", "facts", "empty.json"), self.cwd)
        policy = os.path.basename(self.path)
        cmd = list(args)
        if cmd[0] in ("check", "disasm", "eval", "test", "repl", "fmt", "diff"):
            if cmd[0] in ("disasm", "fmt"):
                cmd += [policy]
            elif cmd[0] == "test":
                cmd += [policy] + [os.path.join(self.paths_root, p) if self.paths_root else p for p in extra_policies]
            else:
                cmd += ["--policy", policy]
                for extra in extra_policies:
                    cmd += ["--policy", os.path.join(self.paths_root, extra) if self.paths_root else extra]
                if cmd[0] != "diff":  # diff names its --before and --after facts in `# args:`
                    cmd += ["--facts", facts]
            if cmd[0] == "eval" and eval_expr is not None:
                cmd += ["--", eval_expr]
        problems = []
        golden = os.path.splitext(self.path)[0] + ".golden"
        asserts = (exit_code is not None or errors or stdout_has or stderr_matches or want_findings is not None
                   or messages or deterministic or os.path.exists(golden) or update)
        if not asserts and self.path.endswith(".ward") and self.paths_root is None:
            problems.append("the case asserts nothing: add an `# exit:` or `# expect` line, or a golden")
        if (want_findings is not None or messages) and cmd[0] != "check":
            problems.append(f"`# expect:` and `# expect message:` are checked only for `check`, not `{cmd[0]}`")
        code, out, err = run(cmd, self.cwd, stdin)
        json_cmd = as_json(cmd)
        if code not in allowed:
            problems.append(f"exit code {code}, expected {' or '.join(map(str, sorted(allowed)))}\n{err}")
        for e in errors:
            m = re.match(r"(\d+):(\d+): (.*)$", e)
            needle = f"{policy}:{m.group(1)}:{m.group(2)}: error: {m.group(3)}" if m else f"error: {e}"
            if needle not in err:
                problems.append(f"stderr lacks: {needle}\n--- stderr:\n{err}")
        for s in stdout_has:
            if (s not in out.splitlines()) if cmd[0] == "eval" else (s not in out):
                problems.append(f"stdout lacks: {s}\n--- stdout:\n{out}")
        for pattern in stderr_matches:
            if not any(re.search(pattern, line) for line in err.splitlines()):
                problems.append(f"no stderr line matches: {pattern}\n--- stderr:\n{err}")
        if (want_findings is not None or messages) and cmd[0] == "check":
            jcode, jout, jerr = run(json_cmd, self.cwd)
            try:
                doc = json.loads(jout)
                found = [f for f in doc["findings"] if not f["exempted"] and only_rule in (None, f["rule"])]
                got = {(f["rule"], f["resource"]["id"]) for f in found}
                for m in messages:
                    if not any(m in f["message"] for f in found):
                        problems.append(f"no finding message contains: {m}\n  messages: {[f['message'] for f in found]}")
                if want_findings is not None and got != want_findings:
                    problems.append(f"findings differ\n  expected: {sorted(want_findings)}\n  got:      {sorted(got)}")
            except Exception as ex:  # noqa: BLE001 - any failure to read the report is a failed case
                problems.append(f"json output unreadable: {ex}\n{jout[:500]}{jerr}")
        if deterministic:
            runs = [run(json_cmd, self.cwd)[1] for _ in range(2)]
            try:
                json.loads(runs[0])
            except ValueError as ex:
                problems.append(f"json output unreadable: {ex}\n{runs[0][:500]}")
            if runs[0] != runs[1]:
                problems.append("json output differs between two runs")
        actual = f"exit: {code}\n--- stdout\n{out}--- stderr\n{err}"
        if os.path.exists(golden) or update:
            if update and self.path.endswith(".ward"):
                with open(golden, "w") as f:
                    f.write(actual)
            elif os.path.exists(golden):
                with open(golden) as f:
                    want = f.read()
                if want != actual:
                    problems.append(f"output differs from {os.path.relpath(golden, ROOT)}\n--- got:\n{actual}")
        return problems


def as_json(cmd):
    """The command with its output format, if any, replaced by JSON."""
    out = []
    skip = False
    for a in cmd:
        if skip:
            skip = False
        elif a == "--format":
            skip = True
        elif not a.startswith("--format="):
            out.append(a)
    return out + ["--format", "json"]


def markdown_cases(path):
    text = open(path).read()
    tmp = tempfile.mkdtemp(prefix="ward-doc-")
    cases = []
    for i, m in enumerate(re.finditer(r"```ward\n(.*?)```", text, re.S)):
        line = text.count("\n", 0, m.start()) + 1
        body = m.group(1)
        if "# doc: skip" in body:
            continue
        name = f"block{i + 1}.ward"
        file = os.path.join(tmp, name)
        with open(file, "w") as f:
            f.write(body)
        cases.append(Case(file, body, name=f"{os.path.relpath(path, ROOT)}:{line}", cwd=tmp, paths_root=ROOT))
    return cases


def collect(paths):
    cases = []
    for p in paths:
        if os.path.isfile(p):
            files = [p]
        else:
            files = [os.path.join(d, f) for d, _, fs in os.walk(p) for f in fs]
        for f in sorted(files):
            if f.endswith(".ward"):
                text = open(f).read()
                if ("helper", "") not in directives(text):
                    cases.append(Case(os.path.abspath(f), text))
            elif f.endswith(".md"):
                cases.extend(markdown_cases(f))
    return cases


def main():
    argv = sys.argv[1:]
    update = "--update" in argv
    paths = [a for a in argv if a != "--update"] or [os.path.join(ROOT, "tests", "conformance")]
    passed = failed = 0
    for case in collect(paths):
        try:
            problems = case.check(update)
        except Exception as ex:  # noqa: BLE001 - a crashing case is a failed case
            problems = [f"runner error: {ex}"]
        if problems:
            failed += 1
            print(f"FAIL {case.name}")
            for p in problems:
                print("  " + p.replace("\n", "\n  "))
        else:
            passed += 1
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
