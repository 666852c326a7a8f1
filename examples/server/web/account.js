// The account page: the user's passkeys (rename, delete, add), sign out,
// and the hand-off token.
import {
  ApiError, api, busy, creationOptions, credentialJSON, setStatus, showError,
} from './webauthn.js';

const list = document.getElementById('passkeys');
let me = null;

const fmt = (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k in e) e[k] = v;
    else e.setAttribute(k, v);
  }
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}

// render draws the passkey list; every text goes in through textContent.
function render() {
  list.replaceChildren(...me.passkeys.map((p) => {
    const kind = p.synced ? 'synced' : 'device-bound';
    const meta = [
      p.model && !(p.named === false && p.name === p.model) ? p.model : null,
      `created ${fmt(p.createdAt)}`,
      p.lastUsedAt ? `last used ${fmt(p.lastUsedAt)}` : 'never used',
      p.discoverable === false ? 'signs in after you enter your user name' : null,
    ].filter(Boolean).join(' · ');

    const input = el('input', { className: 'rename-input', type: 'text', maxLength: 64, value: p.name, 'aria-label': 'New name' });
    const form = el('div', { className: 'rename-form', hidden: true },
      input,
      el('button', { type: 'button', className: 'save primary', textContent: 'Save' }),
      el('button', { type: 'button', className: 'cancel', textContent: 'Cancel' }));
    const li = el('li', { className: 'passkey', dataset: { id: p.id, kind } },
      el('div', { className: 'pk-head' },
        el('span', { className: 'pk-name', textContent: p.name }),
        el('span', { className: `badge ${kind}`, textContent: p.synced ? 'Synced' : 'Device-bound' }),
        p.current ? el('span', { className: 'badge current', textContent: 'Used for this sign-in' }) : null),
      el('div', { className: 'pk-meta', textContent: meta }),
      el('div', { className: 'pk-actions' },
        el('button', { type: 'button', className: 'rename', textContent: 'Rename' }),
        el('button', { type: 'button', className: 'delete danger', textContent: 'Delete' })),
      form);

    li.querySelector('.rename').addEventListener('click', () => {
      form.hidden = false;
      input.focus();
      input.select();
    });
    li.querySelector('.cancel').addEventListener('click', () => { form.hidden = true; });
    const save = () => act('rename', async () => {
      await api('PATCH', `/api/passkeys/${p.id}`, { name: input.value });
      await load();
      setStatus('renamed', { kind: 'ok' });
    });
    li.querySelector('.save').addEventListener('click', save);
    input.addEventListener('keydown', (e) => { if (e.key === 'Enter') save(); });

    // Deleting asks twice: the first click arms the button.
    const del = li.querySelector('.delete');
    del.addEventListener('click', () => {
      if (del.dataset.armed !== 'true') {
        del.dataset.armed = 'true';
        del.textContent = 'Click again to delete';
        setTimeout(() => { del.dataset.armed = ''; del.textContent = 'Delete'; }, 5000);
        return;
      }
      act('delete', async () => {
        await api('DELETE', `/api/passkeys/${p.id}`);
        await load();
        setStatus('deleted', { kind: 'ok' });
      });
    });
    return li;
  }));
  document.body.dataset.passkeys = String(me.passkeys.length);
}

// signalAccepted tells the browser's passkey providers which passkeys the
// server still accepts and the user's current names, so that a deleted
// passkey disappears from the sign-in choices.
function signalAccepted() {
  const P = window.PublicKeyCredential;
  if (typeof P?.signalAllAcceptedCredentials === 'function') {
    P.signalAllAcceptedCredentials({
      rpId: me.rpId, userId: me.userId, allAcceptedCredentialIds: me.passkeys.map((p) => p.id),
    }).catch(() => {});
  }
  if (typeof P?.signalCurrentUserDetails === 'function') {
    P.signalCurrentUserDetails({
      rpId: me.rpId, userId: me.userId, name: me.username, displayName: me.displayName,
    }).catch(() => {});
  }
}

async function load() {
  me = await api('GET', '/api/me');
  render();
  signalAccepted();
}

async function act(what, fn) {
  busy(true);
  try {
    await fn();
  } catch (e) {
    showError(what, e);
  } finally {
    busy(false);
  }
}

async function addPasskey(securityKey) {
  await act('registration', async () => {
    setStatus('creating a passkey…');
    const opts = await api('POST', '/api/register/begin', { securityKey });
    const cred = await navigator.credentials.create({ publicKey: creationOptions(opts) });
    await api('POST', '/api/register/finish', credentialJSON(cred));
    await load();
    setStatus('registered', { kind: 'ok' });
  });
}

function b64urlJSON(part) {
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - b64.length % 4) % 4));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0))));
}

async function mintToken() {
  const { token } = await api('POST', '/api/token');
  document.getElementById('token').textContent = token;
  const [, payload] = token.split('.');
  document.getElementById('claims').textContent = JSON.stringify(b64urlJSON(payload), null, 2);
}

document.getElementById('add-passkey').addEventListener('click', () => addPasskey(false));
document.getElementById('add-security-key').addEventListener('click', () => addPasskey(true));
document.getElementById('new-token').addEventListener('click', () => act('token', mintToken));
document.getElementById('signout').addEventListener('click', () => act('sign-out', async () => {
  await api('POST', '/api/logout');
  location.assign('/');
}));

(async () => {
  try {
    await load();
    setStatus(`signed in as ${me.username}`, { mediation: me.mediation, kind: 'ok' });
    document.getElementById('signin-info').textContent = `Signed in ${fmt(me.authTime)} ${
      me.mediation === 'conditional' ? 'from the name field\'s suggestions' : 'with the sign-in button'}, ${
      me.userVerified ? 'with' : 'without'} user verification (PIN or biometrics).`;
    await mintToken();
  } catch (e) {
    if (e instanceof ApiError && e.code === 'not-signed-in') {
      location.replace('/');
      return;
    }
    showError('loading the account', e);
  }
})();
