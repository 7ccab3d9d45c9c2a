"""The page's own CSS and the sources panel's JavaScript (served inline: no CDN, no web fonts)."""

from __future__ import annotations

# System fonts only: nothing is fetched from a font service.
FONT_STACK = (
    "PingFang SC",
    "Hiragino Sans GB",
    "Microsoft YaHei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "system-ui",
    "sans-serif",
)
MONO_STACK = ("Noto Sans Mono CJK SC", "Menlo", "Consolas", "monospace")

# Runs once when the sources panel mounts. `trigger` fires the panel's custom events, which
# app.py binds: 'cite', 'related', 'article', 'back'. Links in the chat carry no data
# attributes (the chat sanitiser strips them), so they are read from the href.
PANEL_JS = r"""
const ACTIONS = ['cite', 'related', 'article', 'back'];
window.__ragTrigger = trigger;
if (!window.__ragChatLinks) {
  window.__ragChatLinks = true;
  document.addEventListener('click', function (event) {
    const link = event.target.closest ? event.target.closest('a[href^="#rag-"]') : null;
    if (!link) return;
    const match = /^#rag-(cite|rel)-(\d+)-(\d+)$/.exec(link.getAttribute('href') || '');
    if (!match) return;
    event.preventDefault();
    event.stopPropagation();
    const action = match[1] === 'cite' ? 'cite' : 'related';
    window.__ragTrigger(action, {turn: Number(match[2]), n: Number(match[3]), kind: ''});
  }, true);
}
element.addEventListener('click', function (event) {
  const target = event.target.closest('[data-action]');
  if (!target || !element.contains(target)) return;
  if (target.tagName === 'ARTICLE' && !target.classList.contains('is-collapsed')) return;
  const action = target.dataset.action;
  if (ACTIONS.indexOf(action) < 0) return;
  event.preventDefault();
  trigger(action, {
    turn: Number(target.dataset.turn), n: Number(target.dataset.n), kind: target.dataset.kind || ''
  });
});
function place() {
  const body = element.querySelector('.rag-article-body');
  const focus = element.querySelector('#rag-focus');
  if (body && focus) {
    body.scrollTop = Math.max(0, focus.offsetTop - body.clientHeight / 4);
    return;
  }
  const panel = element.querySelector('.rag-sources');
  if (!panel) return;
  const turn = panel.dataset.turn || '';
  if (element.__ragTurn !== turn) {  // another question: start at the top (query first)
    element.__ragTurn = turn;
    panel.scrollTop = 0;
  }
  const card = panel.querySelector('.rag-card.is-active');
  if (!card) return;
  const top = card.getBoundingClientRect().top - panel.getBoundingClientRect().top;
  if (top < 0 || top + card.offsetHeight > panel.clientHeight) {
    panel.scrollTop = Math.max(0, panel.scrollTop + top - 8);
  }
}
watch('value', function () { requestAnimationFrame(place); });
requestAnimationFrame(place);
"""

CSS = r"""
:root { --rag-blue: #1d4f91; --rag-blue-soft: #eaf1fb; --rag-mark: #ffe08a; --rag-amber: #b7791f; }
.gradio-container { max-width: 1500px !important; }
#rag-header h1 { font-size: 1.55rem; margin: 0; color: var(--rag-blue); letter-spacing: .04em; }
#rag-header p { margin: .2rem 0 0; color: #5b6473; font-size: .92rem; }
#rag-header { padding: .3rem .2rem .1rem; }
#rag-top { border-bottom: 3px solid var(--rag-blue); margin-bottom: .2rem; align-items: center; }
#rag-status { align-self: center; }
.rag-status { padding: .45rem .8rem; border-radius: 8px; font-size: .9rem; }
.rag-status-ready { color: #3f6f4a; font-size: .8rem; padding: 0 .2rem; text-align: right; }
.rag-status-building, .rag-status-loading { background: #fff7e0; color: #8a5a00; border: 1px solid #f3d27a; }
.rag-status-failed { background: #fdecec; color: #9b1c1c; border: 1px solid #f3b4b4; }
.rag-welcome h3 { color: var(--rag-blue); margin-bottom: .3rem; }
.rag-welcome p { color: #4a5260; margin: .25rem 0; }
.rag-q { white-space: pre-wrap; }
.rag-msg { line-height: 1.85; }
.rag-unsupported { text-decoration: underline dotted #b7791f; color: #6b5a3a; }
a.rag-cite { display: inline-block; margin: 0 .15em; padding: 0 .35em; border-radius: 6px;
  background: var(--rag-blue-soft); color: var(--rag-blue) !important; font-size: .8em; font-weight: 600;
  text-decoration: none !important; line-height: 1.5; vertical-align: .15em; border: 1px solid #c8d8f0; cursor: pointer; }
a.rag-cite:hover { background: var(--rag-blue); color: #fff !important; }
.rag-foot { margin-top: .45rem; font-size: .78rem; color: #7a8494; }
.rag-guard { margin-top: .45rem; font-size: .8rem; color: #8a5a00; background: #fff8e6;
  border: 1px solid #f3d48a; border-radius: 6px; padding: .25rem .6rem; }
.rag-guard summary { cursor: pointer; }
.rag-guard ul { margin: .3rem 0 .1rem 1.1rem; padding: 0; }
.rag-guard-reason { color: #a06a00; }
.rag-cursor { display: inline-block; width: .5em; height: 1em; margin-left: .1em; vertical-align: -.15em;
  background: var(--rag-blue); opacity: .6; animation: rag-blink 1s steps(2) infinite; }
@keyframes rag-blink { 50% { opacity: 0; } }
.rag-pending { color: #6b7280; }
.rag-dots { display: inline-block; width: .9em; height: .9em; margin-right: .45em; vertical-align: -.1em;
  border: 2px solid #c8d8f0; border-top-color: var(--rag-blue); border-radius: 50%; animation: rag-spin .8s linear infinite; }
@keyframes rag-spin { to { transform: rotate(360deg); } }
.rag-refusal { border-left: 4px solid var(--rag-amber); background: #fffaf0; padding: .55rem .8rem; border-radius: 6px; }
.rag-refusal-head { font-weight: 600; color: #7c4a03; }
.rag-reasons { margin-top: .35rem; color: #5b3a05; }
.rag-reasons ul { margin: .2rem 0 0 1.2rem; padding: 0; }
.rag-direct { font-size: 1.08rem; margin-bottom: .35rem; }
.rag-items { margin: .2rem 0 .4rem 1.4rem; padding: 0; }
.rag-items li { margin: .15rem 0; }
.rag-caveat { background: #fff7e6; border-left: 3px solid #b45309; color: #5b3a05;
  padding: .3rem .5rem; margin-bottom: .4rem; border-radius: 4px; }
.rag-notice { font-size: .82rem; color: #4a5260; background: #f3f5f8; border-left: 3px solid #9aa5b5;
  padding: .25rem .5rem; margin-bottom: .4rem; border-radius: 4px; }
.rag-icon { margin-right: .4em; }
.rag-related { margin-top: .4rem; font-size: .92rem; }
.rag-related-label { color: var(--rag-amber); font-weight: 600; }
.rag-related-list { margin: .25rem 0 0 1.2rem; padding: 0; }
.rag-related-list a.rag-rel { color: #5a4300 !important; text-decoration: underline dotted; cursor: pointer; }
.rag-rel-path { color: #8a7a55; font-size: .9em; }
.rag-error { border-left: 4px solid #c53030; background: #fff5f5; padding: .5rem .8rem; border-radius: 6px; color: #8b1d1d; }
#rag-sources { min-height: 40vh; }
.rag-sources { max-height: 74vh; overflow-y: auto; padding: .2rem .3rem .6rem; }
.rag-sources-empty p { color: #6b7280; background: #f6f8fb; border: 1px dashed #c9d3e0; padding: 1rem; border-radius: 10px; line-height: 1.8; }
.rag-query { font-size: .88rem; color: #4a5260; margin-bottom: .5rem; padding: .4rem .6rem; background: #f6f8fb; border-radius: 8px; }
.rag-query-label { font-weight: 600; margin-right: .4em; }
.rag-rewritten { background: #eef6ee; border: 1px solid #cfe6cf; }
.rag-panel-label { font-weight: 700; color: var(--rag-blue); margin: .3rem 0 .4rem; font-size: .95rem; }
.rag-sources-refusal .rag-panel-label { color: var(--rag-amber); }
.rag-panel-note { font-weight: 400; color: #7a6a45; margin-left: .5em; font-size: .85rem; }
.rag-card { border: 1px solid #dde3ec; border-radius: 10px; padding: .6rem .75rem; margin-bottom: .6rem; background: #fff; transition: box-shadow .2s, border-color .2s; }
.rag-card.is-active { border-color: var(--rag-blue); box-shadow: 0 2px 10px rgba(29,79,145,.15); }
.rag-card.is-collapsed { cursor: pointer; opacity: .85; }
.rag-card.is-collapsed:hover { border-color: #9fb6d8; opacity: 1; }
.rag-card.is-collapsed .rag-passage { display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; }
.rag-card.is-collapsed .rag-card-foot { display: none; }
.rag-card-head { display: flex; gap: .5em; align-items: baseline; }
.rag-badge { color: var(--rag-blue); font-weight: 700; white-space: nowrap; }
.rag-sources-refusal .rag-badge { color: var(--rag-amber); font-size: .85em; }
.rag-title { font-weight: 600; color: #1f2937; }
.rag-path { font-size: .8rem; color: #6b7280; margin: .15rem 0 .35rem; }
.rag-passage { white-space: pre-wrap; line-height: 1.85; color: #1f2937; font-size: .95rem; }
mark.rag-mark { background: var(--rag-mark); color: inherit; padding: 0 .05em; border-radius: 3px; box-shadow: 0 0 0 1px #f2c94c inset; }
.rag-card-foot { margin-top: .45rem; text-align: right; }
.rag-open-article, .rag-back { border: 1px solid #c8d8f0; background: var(--rag-blue-soft); color: var(--rag-blue);
  border-radius: 7px; padding: .2rem .7rem; font-size: .85rem; cursor: pointer; }
.rag-open-article:hover, .rag-back:hover { background: var(--rag-blue); color: #fff; }
.rag-article-bar { display: flex; gap: .7rem; align-items: center; margin-bottom: .3rem; }
.rag-article-title { font-weight: 700; color: #1f2937; }
.rag-article-meta { font-size: .8rem; color: #6b7280; }
.rag-article-body { position: relative; white-space: pre-wrap; line-height: 1.9; max-height: 66vh; overflow-y: auto;
  padding: .6rem .8rem; border: 1px solid #dde3ec; border-radius: 10px; background: #fcfcfd; font-size: .95rem; }
.rag-range { background: var(--rag-blue-soft); }
.rag-meta-card { white-space: pre-wrap; margin-bottom: .8rem; padding: .4rem .6rem; border-radius: 8px; background: #f6f8fb; }
#rag-feedback { align-items: end; }
"""
