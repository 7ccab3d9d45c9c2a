"""The page's own CSS and the sources panel's JavaScript (served inline: no CDN, no web fonts)."""

from __future__ import annotations

import json

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
# app.py binds: 'cite', 'related', 'article', 'back', 'original', 'scope', 'rate', 'comment'
# (gr.HTML exposes only the events named here). Links in the chat carry no data attributes
# (the chat sanitiser strips them), so they are read from the href. The same script keeps the
# phone's source sheet, the character counter, the comment box beside a rated answer, the
# copy button and the Chinese accessible names of Gradio's own parts.
PANEL_JS_TEMPLATE = r"""
const ACTIONS = ['cite', 'related', 'article', 'back', 'original'];
const TEXT = __TEXT__;
const LIMIT = __LIMIT__;
window.__ragTrigger = trigger;
const phone = () => window.matchMedia('(max-width: 768px)').matches;
function openSheet() {
  if (!phone()) return;
  sheet(true);
  setTimeout(function () {
    const close = document.querySelector('#rag-side .rag-sheet-close');
    if (close) close.focus({preventScroll: true});
  }, 350);
}
function sheet(open) {  // the class sits on the column: page CSS is scoped below .gradio-container
  const side = document.querySelector('#rag-side');
  if (side) side.classList.toggle('is-open', open);
  document.body.classList.toggle('rag-sheet-open', open);
}
function closeSheet() { sheet(false); }
window.__ragCloseSheet = closeSheet;
function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  const area = document.createElement('textarea');
  area.value = text; area.setAttribute('readonly', ''); area.style.position = 'fixed'; area.style.opacity = '0';
  document.body.appendChild(area); area.select();
  try { document.execCommand('copy'); } finally { area.remove(); }
  return Promise.resolve();
}
function commentBox(link, turn, rating) {
  const holder = link.closest('[data-testid="bot"]');
  if (!holder || !holder.parentElement) return;
  document.querySelectorAll('.rag-comment-box').forEach(function (old) { old.remove(); });
  const box = document.createElement('form');
  box.className = 'rag-comment-box';
  box.setAttribute('aria-label', TEXT.comment);
  const thanks = document.createElement('p');
  thanks.className = 'rag-thanks'; thanks.setAttribute('role', 'status');
  thanks.textContent = rating === 'up' ? TEXT.thanksUp : TEXT.thanksDown;
  const area = document.createElement('textarea');
  area.rows = 2; area.maxLength = 2000; area.placeholder = TEXT.placeholder;
  area.setAttribute('aria-label', TEXT.comment);
  const send = document.createElement('button');
  send.type = 'submit'; send.className = 'rag-comment-send'; send.textContent = TEXT.submit;
  const close = document.createElement('button');
  close.type = 'button'; close.className = 'rag-comment-close'; close.textContent = TEXT.close;
  close.addEventListener('click', function () { box.remove(); });
  box.append(thanks, area, send, close);
  box.addEventListener('submit', function (event) {
    event.preventDefault();
    const text = area.value.trim();
    if (!text) { area.focus(); return; }
    window.__ragTrigger('comment', {turn: turn, n: 0, kind: '', text: text});
    box.replaceChildren(thanks);
    thanks.textContent = TEXT.saved;
    setTimeout(function () { box.remove(); }, 4000);
  });
  holder.parentElement.insertBefore(box, holder.nextSibling);
  setTimeout(function () {  // the thank-you line clears; the box stays until sent or closed
    if (box.isConnected && box.contains(area)) thanks.textContent = '';
  }, 6000);
  area.focus({preventScroll: true});
}
if (!window.__ragChatLinks) {
  window.__ragChatLinks = true;
  document.addEventListener('click', function (event) {
    const opener = event.target.closest ? event.target.closest('.rag-open-sheet') : null;
    if (opener) { event.preventDefault(); sheet(true); return; }
    const link = event.target.closest ? event.target.closest('a[href^="#rag-"]') : null;
    if (!link) return;
    const match = /^#rag-(cite|rel|up|down|copy)-(\d+)(?:-(\d+))?$/.exec(link.getAttribute('href') || '');
    if (!match) return;
    event.preventDefault();
    event.stopPropagation();
    const turn = Number(match[2]);
    if (match[1] === 'copy') {
      const message = link.closest('.rag-msg');
      const lines = message ? [...message.querySelectorAll('.rag-copytext .rag-copyline')] : [];
      copyText(lines.map(function (l) { return l.textContent; }).join('\n')).then(function () {
        const label = link.querySelector('span');
        if (!label) return;
        label.textContent = TEXT.copied;
        setTimeout(function () { label.textContent = TEXT.copy; }, 2000);
      });
      return;
    }
    if (match[1] === 'up' || match[1] === 'down') {
      window.__ragTrigger('rate', {turn: turn, n: 0, kind: match[1]});
      commentBox(link, turn, match[1]);
      return;
    }
    const action = match[1] === 'cite' ? 'cite' : 'related';
    window.__ragTrigger(action, {turn: turn, n: Number(match[3] || 0), kind: ''});
    openSheet();
  }, true);
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape' && document.body.classList.contains('rag-sheet-open')) closeSheet();
  });
  const counter = document.createElement('div');
  counter.id = 'rag-counter'; counter.setAttribute('aria-live', 'polite');
  function count() {
    const box = document.querySelector('#rag-question textarea');
    if (!box) return;
    if (!counter.isConnected) {
      const host = document.querySelector('#rag-input-note');
      if (host && host.parentElement) host.parentElement.insertBefore(counter, host);
      box.setAttribute('aria-describedby', 'rag-counter');
    }
    const n = [...box.value].length;
    counter.textContent = TEXT.counter.replace('{count}', n).replace('{limit}', LIMIT);
    counter.classList.toggle('is-over', n > LIMIT);
  }
  document.addEventListener('input', function (event) {
    if (event.target.closest && event.target.closest('#rag-question')) count();
  }, true);
  function names() {  // Chinese accessible names for Gradio's own parts
    const log = document.querySelector('#rag-chat [role="log"]');
    if (log && log.getAttribute('aria-label') !== TEXT.chat) log.setAttribute('aria-label', TEXT.chat);
    const examples = document.querySelector('#rag-chat .examples');
    if (examples && examples.getAttribute('role') !== 'group') {  // buttons, not list items
      examples.setAttribute('role', 'group'); examples.setAttribute('aria-label', TEXT.examples);
    }
    document.querySelectorAll('#rag-chat button.example').forEach(function (b) {
      const label = TEXT.example + b.innerText.trim();
      if (b.getAttribute('aria-label') !== label) b.setAttribute('aria-label', label);
    });
    document.querySelectorAll('#rag-chat [data-testid="bot"], #rag-chat [data-testid="user"]').forEach(function (m) {
      const label = (m.dataset.testid === 'user' ? TEXT.you : TEXT.bot) + m.innerText.trim().slice(0, 200);
      if (m.getAttribute('aria-label') !== label) m.setAttribute('aria-label', label);
    });
    const box = document.querySelector('#rag-question textarea');
    if (box && box.getAttribute('aria-label') !== TEXT.question) box.setAttribute('aria-label', TEXT.question);
    count();
  }
  let named = false;  // at most one pass per frame, however many mutations
  new MutationObserver(function () {
    if (named) return;
    named = true;
    requestAnimationFrame(function () { named = false; names(); });
  }).observe(document.body, {childList: true, subtree: true, characterData: true});
  names();
}
element.addEventListener('click', function (event) {
  const target = event.target.closest('[data-action]');
  if (!target || !element.contains(target)) return;
  if (target.tagName === 'ARTICLE' && !target.classList.contains('is-collapsed')) return;
  const action = target.dataset.action;
  if (action === 'close') { event.preventDefault(); closeSheet(); return; }
  if (action === 'scope') { event.preventDefault(); trigger('scope', {doc: target.dataset.doc || ''}); return; }
  if (ACTIONS.indexOf(action) < 0) return;
  event.preventDefault();
  trigger(action, {
    turn: Number(target.dataset.turn), n: Number(target.dataset.n), kind: target.dataset.kind || ''
  });
});
element.addEventListener('keydown', function (event) {
  const card = event.target.closest ? event.target.closest('.rag-card') : null;
  if (!card || event.target !== card || (event.key !== 'Enter' && event.key !== ' ')) return;
  event.preventDefault();
  if (card.classList.contains('is-collapsed')) {
    trigger(card.dataset.action, {turn: Number(card.dataset.turn), n: Number(card.dataset.n), kind: ''});
  } else {
    const open = card.querySelector('.rag-open-article');
    if (open) open.click();
  }
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


def panel_js(max_question_chars: int) -> str:
    """The panel script with the UI's fixed sentences and the question length limit."""
    from ui import strings as S

    text = {
        "comment": S.LABEL_COMMENT, "placeholder": S.PLACEHOLDER_COMMENT,
        "submit": S.LABEL_SUBMIT_COMMENT, "close": S.LABEL_CLOSE,
        "thanksUp": S.FEEDBACK_THANKS_UP, "thanksDown": S.FEEDBACK_THANKS_DOWN,
        "saved": S.FEEDBACK_COMMENT_SAVED, "copy": S.LABEL_COPY, "copied": S.COPIED,
        "counter": S.COUNTER, "chat": S.LABEL_CHAT_LOG, "example": S.LABEL_EXAMPLE,
        "question": S.LABEL_QUESTION, "you": S.LABEL_YOU, "bot": S.LABEL_BOT,
        "examples": S.LABEL_EXAMPLES,
    }
    return (
        PANEL_JS_TEMPLATE.replace("__TEXT__", json.dumps(text, ensure_ascii=False))
        .replace("__LIMIT__", str(int(max_question_chars)))
    )


PANEL_JS = panel_js(500)  # the default limit (app.py formats the configured one)

CSS = r"""
:root { --rag-blue: #1d4f91; --rag-blue-soft: #eaf1fb; --rag-mark: #ffe08a; --rag-amber: #b7791f; }
.gradio-container { max-width: 1500px !important; }
#rag-header h1 { font-size: 1.55rem; margin: 0; color: var(--rag-blue); letter-spacing: .04em; }
#rag-header p { margin: .2rem 0 0; color: #5b6473; font-size: .92rem; }
#rag-header { padding: .3rem .2rem .1rem; }
#rag-top { border-bottom: 3px solid var(--rag-blue); margin-bottom: .2rem; align-items: center; flex-wrap: nowrap; }
#rag-status { align-self: center; }
.rag-status { padding: .45rem .8rem; border-radius: 8px; font-size: .9rem; }
.rag-status-ready { color: #3f6f4a; font-size: .8rem; padding: 0 .2rem; text-align: right; }
.rag-status-building, .rag-status-loading { background: #fff7e0; color: #8a5a00; border: 1px solid #f3d27a; }
.rag-status-failed { background: #fdecec; color: #9b1c1c; border: 1px solid #f3b4b4; }
.rag-welcome h3 { color: var(--rag-blue); margin-bottom: .3rem; }
.rag-welcome p { color: #4a5260; margin: .25rem 0; }
.rag-q { white-space: pre-wrap; }
.rag-msg { line-height: 1.85; }
.rag-unsupported { text-decoration: underline dotted #8a5a00; color: #5c4a2a; }
a.rag-cite { display: inline-block; margin: 0 .15em; padding: 0 .35em; border-radius: 6px;
  background: var(--rag-blue-soft); color: var(--rag-blue) !important; font-size: .8em; font-weight: 600;
  text-decoration: none !important; line-height: 1.5; vertical-align: .15em; border: 1px solid #c8d8f0; cursor: pointer; }
a.rag-cite:hover { background: var(--rag-blue); color: #fff !important; }
.rag-foot { margin-top: .45rem; font-size: .78rem; color: #4b5563; }
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
.rag-refusal-head { font-weight: 600; color: #6b3f02; }
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
.rag-related-label { color: #7c4a03; font-weight: 600; }
.rag-related-list { margin: .25rem 0 0 1.2rem; padding: 0; }
.rag-related-list a.rag-rel { color: #5a4300 !important; text-decoration: underline dotted; cursor: pointer; }
.rag-rel-path { color: #5c4a2a; font-size: .9em; }
.rag-error { border-left: 4px solid #c53030; background: #fff5f5; padding: .5rem .8rem; border-radius: 6px; color: #8b1d1d; }
#rag-sources { min-height: 40vh; }
.rag-sources { max-height: 74vh; overflow-y: auto; padding: .2rem .3rem .6rem; }
.rag-sources-empty p { color: #6b7280; background: #f6f8fb; border: 1px dashed #c9d3e0; padding: 1rem; border-radius: 10px; line-height: 1.8; }
.rag-query { font-size: .88rem; color: #4a5260; margin-bottom: .5rem; padding: .4rem .6rem; background: #f6f8fb; border-radius: 8px; }
.rag-query-label { font-weight: 600; margin-right: .4em; }
.rag-rewritten { background: #eef6ee; border: 1px solid #cfe6cf; }
.rag-panel-label { font-weight: 700; color: var(--rag-blue); margin: .3rem 0 .4rem; font-size: .95rem; }
.rag-sources-refusal .rag-panel-label { color: #7c4a03; }
.rag-panel-note { font-weight: 400; color: #5c4a2a; margin-left: .5em; font-size: .85rem; }
.rag-card { border: 1px solid #dde3ec; border-radius: 10px; padding: .6rem .75rem; margin-bottom: .6rem; background: #fff; transition: box-shadow .2s, border-color .2s; }
.rag-card.is-active { border-color: var(--rag-blue); box-shadow: 0 2px 10px rgba(29,79,145,.15); }
.rag-card.is-collapsed { cursor: pointer; }
.rag-card.is-collapsed:hover { border-color: #9fb6d8; }
.rag-card:focus-visible, .rag-article-body:focus-visible { outline: 3px solid #2563eb; outline-offset: 2px; }
.rag-card.is-collapsed .rag-passage { display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; }
.rag-card.is-collapsed .rag-card-foot { display: none; }
.rag-card-head { display: flex; gap: .5em; align-items: baseline; }
.rag-badge { color: var(--rag-blue); font-weight: 700; white-space: nowrap; }
.rag-sources-refusal .rag-badge { color: #7c4a03; font-size: .85em; }
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
.rag-article-meta { font-size: .85rem; color: #4b5563; margin: .2rem 0 .3rem; }
.rag-article-body { position: relative; line-height: 1.9; max-height: 66vh; overflow-y: auto;
  padding: .6rem 1rem; border: 1px solid #dde3ec; border-radius: 10px; background: #fcfcfd; font-size: .95rem; }
.rag-article-body .rag-p { margin: 0 0 .9em; text-indent: 2em; white-space: pre-wrap; }
.rag-article-body .rag-caption { margin: 0 0 .9em; text-align: center; color: #4b5563; font-size: .9em; }
.rag-article-body .rag-h { color: var(--rag-blue); font-weight: 700; margin: 1.1em 0 .5em; line-height: 1.5; }
.rag-article-body h3.rag-h { font-size: 1.08rem; border-left: 4px solid var(--rag-blue); padding-left: .5em; }
.rag-article-body h4.rag-h { font-size: 1rem; }
.rag-range { background: #d4e4fb; box-shadow: 0 2px 0 #8fb1e3; -webkit-box-decoration-break: clone; box-decoration-break: clone; }
sup.rag-fn { font-size: .72em; color: #4b5563; vertical-align: super; line-height: 0; margin: 0 .05em; font-weight: 400; }
.rag-article .rag-title { font-size: 1.15rem; color: #1f2937; margin: .4rem 0 0; }
.rag-meta-card { white-space: pre-wrap; margin-bottom: .8rem; padding: .4rem .6rem; border-radius: 8px; background: #f6f8fb; }
.rag-derived { font-weight: 400; font-size: .78rem; color: #7c4a03; background: #fff4d6; border: 1px dashed #c89a3a;
  border-radius: 5px; padding: 0 .35em; margin-left: .4em; white-space: nowrap; }
.rag-card-meta { font-size: .8rem; color: #4b5563; margin-top: .1rem; }
.rag-icon { display: inline-flex; vertical-align: -.15em; margin-right: .35em; }
.rag-svg { display: inline-block; }
.rag-caveat-label { font-weight: 700; margin-right: .2em; }
.rag-actions { display: flex; gap: .35rem; align-items: center; margin-top: .35rem; flex-wrap: wrap; }
a.rag-act { display: inline-flex; align-items: center; gap: .25em; padding: .15rem .45rem; border-radius: 6px;
  border: 1px solid #c9d3e0; color: #374151 !important; text-decoration: none !important; font-size: .8rem; line-height: 1.4; background: #fff; }
a.rag-act:hover, a.rag-act:focus-visible { border-color: var(--rag-blue); color: var(--rag-blue) !important; }
a.rag-act.is-rated { background: var(--rag-blue); border-color: var(--rag-blue); color: #fff !important; }
.rag-rated { font-size: .78rem; color: #374151; margin-left: .2rem; }
.rag-copytext { display: none; }
.rag-comment-box { display: flex; flex-wrap: wrap; gap: .4rem; align-items: flex-end; margin: .3rem 0 .6rem;
  padding: .5rem .6rem; border: 1px solid #c8d8f0; border-radius: 10px; background: #f6f9fe; max-width: 100%; }
.rag-comment-box .rag-thanks { flex-basis: 100%; margin: 0; font-size: .85rem; color: #1f2937; min-height: 1em; }
.rag-comment-box textarea { flex: 1 1 16rem; min-height: 3em; border: 1px solid #9aa5b5; border-radius: 6px; padding: .3rem .45rem; font: inherit; }
.rag-comment-box button { border-radius: 6px; padding: .3rem .8rem; font-size: .85rem; cursor: pointer; border: 1px solid var(--rag-blue); }
.rag-comment-send { background: var(--rag-blue); color: #fff; }
.rag-comment-close { background: #fff; color: var(--rag-blue); }
.rag-note { color: #8b1d1d; background: #fff5f5; border-left: 4px solid #c53030; padding: .3rem .6rem; border-radius: 6px; font-size: .88rem; }
#rag-counter { font-size: .78rem; color: #4b5563; text-align: right; margin: -.2rem .3rem 0 0; }
#rag-counter.is-over { color: #9b1c1c; font-weight: 700; }
#rag-send { background: var(--rag-blue) !important; color: #fff !important; border-color: var(--rag-blue) !important; }
#rag-send:hover { background: #163d70 !important; }
#rag-question textarea::placeholder, .gradio-container input::placeholder, .gradio-container textarea::placeholder { color: #5f6b7a !important; opacity: 1; }
#rag-past input, #rag-past input.border-none { color: #1f2937 !important; }
#rag-new { white-space: nowrap; }
#rag-chat .md.chatbot { opacity: 1 !important; }  /* Gradio dims earlier answers to 0.8: below AA */
.gradio-container label.selected { background: var(--rag-blue) !important; border-color: var(--rag-blue) !important; }
.gradio-container label.selected span { color: #fff !important; }
.gradio-container span[data-testid="block-info"].has-info { color: #1e3a8a !important; }
.gradio-container .info-text, .gradio-container .min_value, .gradio-container .max_value { color: #4b5563 !important; }
#rag-script .wrap { flex-wrap: nowrap; gap: .25rem; }
#rag-script label { padding: .15rem .6rem !important; min-width: 0 !important; }
#rag-script input[type="radio"] { position: absolute; opacity: 0; width: 1px; height: 1px; margin: 0; }
#rag-script label:focus-within { outline: 2px solid #2563eb; outline-offset: 1px; }
#rag-chat button.example { border: 1px solid #9fb6d8 !important; background: #f3f7fd !important; color: #1f2937 !important;
  border-radius: 10px !important; cursor: pointer; box-shadow: 0 1px 2px rgba(29,79,145,.12); }
#rag-chat button.example:hover, #rag-chat button.example:focus-visible { border-color: var(--rag-blue) !important; background: #e3edfb !important; }
#rag-chat button.example .example-text::before { content: "提问 › "; color: var(--rag-blue); font-weight: 700; }
.rag-empty-hint { color: #4b5563; background: #f6f8fb; border: 1px dashed #9aa5b5; padding: .8rem 1rem; border-radius: 10px; line-height: 1.8; }
.rag-library { margin-top: .8rem; }
.rag-library h2.rag-panel-label { font-size: 1rem; }
.rag-library-hint, .rag-scope-note { font-size: .85rem; color: #4b5563; margin: .1rem 0 .4rem; }
.rag-scope-note { color: var(--rag-blue); font-weight: 600; }
.rag-doc-list { list-style: none; margin: 0; padding: 0; }
.rag-doc { display: flex; gap: .6rem; align-items: center; justify-content: space-between; border: 1px solid #dde3ec;
  border-radius: 10px; padding: .5rem .7rem; margin-bottom: .45rem; background: #fff; }
.rag-doc.is-scoped { border-color: var(--rag-blue); background: var(--rag-blue-soft); }
.rag-scope, .rag-original, .rag-sheet-close { border: 1px solid #9fb6d8; background: #fff; color: var(--rag-blue);
  border-radius: 7px; padding: .2rem .6rem; font-size: .82rem; cursor: pointer; white-space: nowrap; }
.rag-scope:hover, .rag-original:hover, .rag-sheet-close:hover { background: var(--rag-blue); color: #fff; }
.rag-sheet-bar { display: flex; gap: .5rem; justify-content: flex-end; margin-bottom: .3rem; }
.rag-sheet-bar:not(:has(.rag-original)) { display: none; }
.rag-sheet-close, .rag-open-sheet { display: none; }
#rag-status .rag-status-ready { text-align: left; }
@media (max-width: 768px) {
  .gradio-container { padding: 0 .4rem !important; }
  #rag-top { gap: .4rem; padding: .2rem 0; }
  #rag-header h1 { font-size: 1.15rem; white-space: nowrap; }
  #rag-status .rag-status { font-size: .75rem; padding: .1rem .3rem; }
  #rag-header p { display: none; }
  #rag-header { display: flex; align-items: center; gap: .5rem; }
  .rag-open-sheet { display: inline-block; border: 1px solid #9fb6d8; background: #fff; color: var(--rag-blue);
    border-radius: 7px; padding: .15rem .45rem; font-size: .8rem; white-space: nowrap; }
  #rag-chat { height: 58vh !important; }
  #rag-side { position: fixed !important; left: 0; right: 0; bottom: 0; z-index: 1000; height: 82vh; max-height: 82vh;
    overflow-y: auto; background: #fff; border-radius: 14px 14px 0 0; box-shadow: 0 -6px 24px rgba(15,23,42,.25);
    padding: .6rem .7rem 1rem !important; transform: translateY(105%); visibility: hidden;
    transition: transform .25s ease, visibility .25s; min-width: 0 !important; }
  #rag-side.is-open { transform: none; visibility: visible; }
  .rag-sheet-bar, .rag-sheet-bar:not(:has(.rag-original)) { display: flex; justify-content: space-between;
    position: sticky; top: 0; background: #fff; z-index: 2; padding: .2rem 0; }
  .rag-sheet-close { display: inline-block; font-size: .9rem; padding: .3rem .8rem; }
  .rag-sources, .rag-article-body { max-height: none; }
  #rag-sources { min-height: 0; }
}
"""
