import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The visual system's colour and scale promises, read from the stylesheet itself:
 * text tokens reach WCAG 2.2 AA contrast (4.5:1, the ratio axe-core checks) on every surface in light and
 * dark; the four decision outcomes stay distinguishable under simulated protanopia, deuteranopia and
 * tritanopia (Machado, Oliveira & Fernandes 2009, severity 1.0; CIE76 ΔE in CIELAB); and padding, margin,
 * gap and font-size use only the spacing and type scales.
 */
const css = readFileSync(path.join(__dirname, "../../app/globals.css"), "utf8");
const root = css.slice(css.indexOf(":root {"), css.indexOf("}", css.indexOf(":root {")));

type Theme = "light" | "dark";
function token(name: string, theme: Theme): string {
  const match = new RegExp(`--${name}:\\s*([^;]+);`).exec(root);
  if (!match) throw new Error(`--${name} is not defined in :root`);
  const value = match[1]!.trim();
  const pair = /^light-dark\(\s*(#[0-9a-f]{6})\s*,\s*(#[0-9a-f]{6})\s*\)$/i.exec(value);
  if (pair) return (theme === "light" ? pair[1] : pair[2])!.toLowerCase();
  const alias = /^var\(--([\w-]+)\)$/.exec(value);
  if (alias) return token(alias[1]!, theme);
  if (/^#[0-9a-f]{6}$/i.test(value)) return value.toLowerCase();
  throw new Error(`--${name}: cannot read colour ${value}`);
}

const channels = (hex: string) => [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16) / 255);
const linear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const luminance = ([r, g, b]: number[]) => 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
/** WCAG 2.x contrast ratio of two sRGB colours. */
function contrast(a: string, b: string): number {
  const [x, y] = [luminance(channels(a).map(linear)), luminance(channels(b).map(linear))];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

const CVD = {
  none: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
  protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
  deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.01182, 0.04294, 0.968881]],
  tritanopia: [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.3039]],
} as const;
function lab(hex: string, matrix: readonly (readonly number[])[]): number[] {
  const rgb = channels(hex).map(linear);
  const [r, g, b] = matrix.map((row) => Math.min(1, Math.max(0, row[0]! * rgb[0]! + row[1]! * rgb[1]! + row[2]! * rgb[2]!)));
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  const x = f((0.4124 * r! + 0.3576 * g! + 0.1805 * b!) / 0.95047);
  const y = f(0.2126 * r! + 0.7152 * g! + 0.0722 * b!);
  const z = f((0.0193 * r! + 0.1192 * g! + 0.9505 * b!) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}
const deltaE = (a: number[], b: number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);

const THEMES: Theme[] = ["light", "dark"];
const SURFACES = ["bg", "surface", "surface-2"];
const TEXT_TOKENS = ["text", "muted", "accent", "danger", "ok", "warn", "outcome-allow", "outcome-deny", "outcome-approval", "outcome-error", "severity-critical", "severity-high", "severity-medium", "severity-low", "severity-info"];
const OUTCOMES = ["outcome-allow", "outcome-deny", "outcome-approval", "outcome-error"];

describe("colour tokens", () => {
  it("computes the WCAG contrast ratio the way the specification does", () => {
    expect(contrast("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrast("#767676", "#ffffff")).toBeCloseTo(4.54, 2);
  });

  for (const theme of THEMES)
    for (const name of TEXT_TOKENS)
      it(`--${name} is readable text on every surface (${theme}, ≥ 4.5:1)`, () => {
        for (const surface of SURFACES) expect(contrast(token(name, theme), token(surface, theme)), `--${name} on --${surface}`).toBeGreaterThanOrEqual(4.5);
      });

  for (const theme of THEMES)
    it(`notices and tinted badges keep their text readable on their own background (${theme})`, () => {
      for (const tone of ["danger", "ok", "warn"]) expect(contrast(token(tone, theme), token(`${tone}-bg`, theme)), `--${tone} on --${tone}-bg`).toBeGreaterThanOrEqual(4.5);
      expect(contrast(token("accent-text", theme), token("accent", theme)), "primary button").toBeGreaterThanOrEqual(4.5);
    });

  for (const theme of THEMES)
    for (const [vision, matrix] of Object.entries(CVD))
      it(`the four outcomes are told apart with ${vision} vision (${theme}, ΔE ≥ 10 for every pair)`, () => {
        for (let i = 0; i < OUTCOMES.length; i++)
          for (let j = i + 1; j < OUTCOMES.length; j++) {
            const distance = deltaE(lab(token(OUTCOMES[i]!, theme), matrix), lab(token(OUTCOMES[j]!, theme), matrix));
            expect(distance, `${OUTCOMES[i]} vs ${OUTCOMES[j]}`).toBeGreaterThanOrEqual(10);
          }
      });

  it("a colour collapsing under protanopia would fail the check (vermillion and amber at equal lightness)", () => {
    expect(deltaE(lab("#b54a00", CVD.protanopia), lab("#8a5a00", CVD.protanopia))).toBeLessThan(10);
  });

  it("charts draw outcomes with the same tokens as the badges", () => {
    for (const theme of THEMES) for (const outcome of ["allow", "deny", "approval", "error"]) expect(token(`chart-${outcome}`, theme)).toBe(token(`outcome-${outcome}`, theme));
  });
});

describe("spacing and type scales", () => {
  const declarations = [...css.matchAll(/([a-z-]+)\s*:\s*([^;{}]+)[;}]/g)].map((match) => ({ property: match[1]!, value: match[2]!.trim() }));
  const outsideRoot = declarations.filter((declaration) => !declaration.property.startsWith("-"));

  it("every padding, margin and gap is 0, auto or a --space-* token", () => {
    const spacing = outsideRoot.filter((declaration) => /^(padding|margin|gap|row-gap|column-gap)(-|$)/.test(declaration.property));
    expect(spacing.length).toBeGreaterThan(50);
    const stray = spacing.filter((declaration) => declaration.value.split(/\s+/).some((part) => !/^(0|auto|var\(--space-[\w-]+\))$/.test(part)));
    expect(stray).toEqual([]);
  });

  it("every font-size is a --text-* token (code alone is relative to its context)", () => {
    const sizes = outsideRoot.filter((declaration) => declaration.property === "font-size");
    const stray = sizes.filter((declaration) => !/^(var\(--text-[\w-]+\)|inherit|0\.92em)$/.test(declaration.value));
    expect(stray).toEqual([]);
  });
});
