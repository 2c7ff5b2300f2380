// A tiny element builder: the panel is re-rendered from state, so plain DOM calls suffice and
// nothing needs a template compiler (which a strict CSP would refuse anyway).

type Attrs = Record<string, string | number | boolean | undefined | EventListener>;
type Child = Node | string | null | undefined | false;

export function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  applyAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function s(tag: string, attrs: Attrs = {}, ...children: Child[]): SVGElement {
  const el = document.createElementNS(SVG_NS, tag);
  applyAttrs(el, attrs);
  append(el, children);
  return el;
}

function applyAttrs(el: Element, attrs: Attrs): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

export function icon(name: string, label?: string): HTMLElement {
  return h('span', {
    class: `codicon codicon-${name}`,
    'aria-hidden': label ? undefined : 'true',
    'aria-label': label,
    role: label ? 'img' : undefined,
  });
}

export function button(label: string, codicon: string, onclick: () => void, secondary = false): HTMLElement {
  return h('vscode-button', { onclick, secondary }, icon(codicon), ` ${label}`);
}

/** Each part's markup as built, before custom elements add attributes of their own once connected. */
const builtMarkup = new WeakMap<Element, string>();

/**
 * Shows `parts` in `parent`, keeping in place every shown part whose new markup is the same as
 * when it was built. The host sends its whole state on every change, so without this a click on
 * a flag's button could land on an element replaced between press and release and be lost, and
 * hover, focus and an open dropdown would reset on changes that do not concern them. Handlers
 * are built from the same data as the markup, so equal markup means equal handlers.
 */
export function showParts(parent: Element, parts: Element[]): void {
  const shown = new Map<string, Element>();
  for (const child of Array.from(parent.children)) {
    const markup = builtMarkup.get(child);
    if (markup !== undefined) shown.set(markup, child);
  }
  const next = parts.map((part) => {
    const markup = part.outerHTML;
    const kept = shown.get(markup);
    if (kept) {
      shown.delete(markup);
      return kept;
    }
    builtMarkup.set(part, markup);
    return part;
  });
  next.forEach((node, i) => {
    if (parent.children[i] !== node) parent.insertBefore(node, parent.children[i] ?? null);
  });
  while (parent.children.length > next.length) parent.lastElementChild!.remove();
}

/** Host texts written for Markdown (watcher locations, pressure details) shown as plain text. */
export function plain(markdown: string): string {
  return markdown.replace(/`/g, '');
}
