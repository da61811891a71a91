"""axe-core (tests/browser/package.json, installed by scripts/setup.sh) in a real Chromium: the
serious and critical WCAG 2.0/2.1 A and AA violations of the page shown, and a readable report."""

import json
from pathlib import Path

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}

# The pages send a strict Content-Security-Policy, so axe is evaluated as a string through the
# DevTools protocol (which the policy does not govern) rather than added as a <script>.
RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  const found = result.violations.map((rule) => ({
    id: rule.id, impact: rule.impact, help: rule.help,
    nodes: rule.nodes.map((node) => ({target: node.target.join(" "), html: node.html.slice(0, 200),
                                       summary: node.failureSummary})),
  }));
  // Not an axe rule: a control whose accessible name is an icon font's ligature ("file_upload",
  // "more_vert") is named in English words no user chose; names must come from the translations.
  axe.setup(document);
  const ligatures = [];
  for (const control of document.querySelectorAll("a[href], button, [role=button], input, select, textarea")) {
    if (control.hasAttribute("aria-label") || control.hasAttribute("aria-labelledby")) { continue; }
    const own = control.matches(".material-icons") ? [control] : [];
    const icons = [...control.querySelectorAll(".material-icons"), ...own]
      .filter((icon) => !icon.closest("[aria-hidden=true]")).map((icon) => icon.textContent.trim()).filter(Boolean);
    if (!icons.length) { continue; }
    const name = axe.commons.text.accessibleTextVirtual(axe.utils.getNodeFromTree(control)).trim();
    if (icons.some((icon) => name.includes(icon))) {
      ligatures.push({target: axe.utils.getSelector(control), html: control.outerHTML.slice(0, 200),
                      summary: `accessible name "${name}" is an icon ligature`});
    }
  }
  axe.teardown();
  if (ligatures.length) {
    found.push({id: "icon-ligature-name", impact: "serious", help: "Controls must not be named by icon ligatures",
                nodes: ligatures});
  }
  return found;
}"""


INSTALL = "npm ci --prefix tests/browser (scripts/test.sh runs it)"


def axe_source() -> str | None:
    """axe-core's script, or None when it is not installed."""
    return AXE.read_text(encoding="utf-8") if AXE.exists() else None


def violations(page, name: str, axe_source: str) -> list[dict]:
    page.evaluate(axe_source)
    found = page.evaluate(RUN, TAGS)
    return [dict(rule, screen=name) for rule in found if rule["impact"] in BLOCKING]


def report(found: list[dict]) -> str:
    lines = []
    for rule in found:
        lines.append(f"{rule['screen']}: {rule['id']} ({rule['impact']}) - {rule['help']}")
        for node in rule["nodes"][:3]:
            summary = node["summary"].replace("\n", "\n      ")
            lines.append(f"    {node['target']}\n      {node['html']}\n      {summary}")
        if len(rule["nodes"]) > 3:
            lines.append(f"    ... and {len(rule['nodes']) - 3} more")
    return "\n".join(lines)


def assert_none(found: dict[str, list[dict]], artifact: str) -> None:
    """Fail with the report when any screen has a violation; the whole list goes to test-artifacts/."""
    problems = [rule for rules in found.values() for rule in rules]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{artifact}.json").write_text(json.dumps(problems, ensure_ascii=False, indent=1), encoding="utf-8")
    assert not problems, f"{len(problems)} serious or critical accessibility violations:\n{report(problems)}"
