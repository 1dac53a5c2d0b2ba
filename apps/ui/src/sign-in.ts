// The sign-in panel, for a server that requires auth (`mlproject ui` with MLPROJECT_SERVER_TOKEN or
// --users-file): shown in place of the page on any 401, it takes a token (Bearer) or a user name and
// password (Basic), checks it with the server, keeps it in sessionStorage for this tab (`apiFetch`
// sends it), and re-renders the page. A "Sign out" link in the header forgets it.
import './sign-in.css';
import { basicCredential, checkCredential, onUnauthenticated, storeCredential, storedCredential, tokenCredential, type Challenge, type Credential } from './api.js';
import { errorBox, h } from './dom.js';

export interface SignInOptions {
  /** The page's element: hidden while the panel shows (the panel goes just before it). */
  app: HTMLElement;
  /** The top bar, where the "Sign out" link goes. */
  header: HTMLElement;
  /** Called when a 401 brings the panel up: stop the page's timers and requests. */
  stopPage: () => void;
  /** Called once signed in or out: render the current route again. */
  renderPage: () => void;
}

export interface SignIn {
  /** Removes the panel (if shown) and shows the page again. */
  hide(): void;
}

function field(label: string, input: HTMLInputElement): HTMLElement {
  return h('label', { class: 'sign-in-field' }, h('span', {}, label), input);
}

/** Wires the panel to every 401 of `apiFetch` and puts the "Sign out" link in `header` when signed in. */
export function installSignIn(options: SignInOptions): SignIn {
  const signOut = h('a', { href: '', class: 'sign-out', onclick: (event: Event) => {
    event.preventDefault();
    storeCredential(null);
    updateSignOut();
    options.renderPage();
  } });
  options.header.append(signOut);
  let panel: { el: HTMLElement; say: (message: string | null) => void } | null = null;
  /** Which forms the panel offers: the schemes of the last 401. */
  let schemes: Challenge = { bearer: true, basic: true };

  function updateSignOut(): void {
    const credential = storedCredential();
    signOut.hidden = credential === null;
    signOut.textContent = credential?.user !== undefined ? `Sign out (${credential.user})` : 'Sign out';
  }

  function hide(): void {
    panel?.el.remove();
    panel = null;
    options.app.hidden = false;
  }

  async function signIn(credential: Credential, form: HTMLFormElement): Promise<void> {
    const buttons = [...form.querySelectorAll('button')];
    for (const button of buttons) button.disabled = true;
    try {
      await checkCredential(credential);
    } catch (error) {
      show(error instanceof Error ? error.message : String(error));
      return;
    } finally {
      for (const button of buttons) button.disabled = false;
    }
    storeCredential(credential);
    updateSignOut();
    hide();
    options.renderPage();
  }

  /** The panel, offering the forms of `schemes`; `say` puts the server's message on it. */
  function build(): { el: HTMLElement; say: (message: string | null) => void } {
    const token = h('input', { type: 'password', name: 'token', autocomplete: 'off', required: '', 'aria-label': 'token' });
    const user = h('input', { type: 'text', name: 'username', autocomplete: 'username', required: '', 'aria-label': 'user name' });
    const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', 'aria-label': 'password' });
    const tokenForm = h('form', { class: 'sign-in-token', onsubmit: (event: Event) => {
      event.preventDefault();
      void signIn(tokenCredential(token.value.trim()), tokenForm);
    } }, field('Token', token), h('button', { type: 'submit' }, 'Sign in with token'));
    const userForm = h('form', { class: 'sign-in-basic', onsubmit: (event: Event) => {
      event.preventDefault();
      void signIn(basicCredential(user.value, password.value), userForm);
    } }, field('User name', user), field('Password', password), h('button', { type: 'submit' }, 'Sign in'));
    const asks = schemes.bearer && schemes.basic ? 'a token, or a user name and password' : schemes.bearer ? 'a token' : 'a user name and password';
    const messageBox = h('div', {});
    const el = h('section', { class: 'sign-in panel', 'aria-labelledby': 'sign-in-title' },
      h('h1', { id: 'sign-in-title' }, 'Sign in'),
      h('p', { class: 'muted' }, `This server requires ${asks}. What you enter is kept in this tab only and sent with each request.`),
      messageBox,
      schemes.bearer ? tokenForm : null,
      schemes.bearer && schemes.basic ? h('p', { class: 'muted sign-in-or' }, 'or') : null,
      schemes.basic ? userForm : null);
    return {
      el,
      say: (message) => {
        messageBox.replaceChildren(...(message !== null ? [errorBox(new Error(message))] : []));
        // A refused secret is cleared; the user name stays.
        token.value = '';
        password.value = '';
        (schemes.bearer ? token : user.value === '' ? user : password).focus();
      },
    };
  }

  /** Shows the panel in place of the page (keeping what is typed in it), with the server's `message` when there is one. */
  function show(message: string | null): void {
    if (panel === null) {
      panel = build();
      options.app.before(panel.el);
    }
    options.app.hidden = true;
    panel.say(message);
  }

  onUnauthenticated((error, sentWith, challenge) => {
    options.stopPage();
    schemes = challenge;
    // A credential the server no longer takes (a new token, a removed user) is forgotten.
    if (sentWith !== null) {
      storeCredential(null);
      updateSignOut();
    }
    // Without a credential the server's words are for the `mlflow` client; the panel says it instead.
    if (panel === null || sentWith !== null) show(sentWith !== null ? error.message : null);
  });
  updateSignOut();
  return { hide };
}
