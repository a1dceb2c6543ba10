// The dashboard's shell: log-in, navigation by the URL's fragment, refreshing, errors.

import { AuthError, forgetKey, get, hasKey, setKey } from './api.js';
import { fill, h, time } from './dom.js';
import { keyView, keysView, minersView, minerView, taskWeightsView, trafficView, weightsView } from './views.js';

const VIEWS = {
  miners: { draw: minersView, every: 30_000 },
  miner: { draw: minerView, every: 30_000, nav: 'miners' },
  weights: { draw: weightsView, every: 60_000 },
  'task-weights': { draw: taskWeightsView, every: 0 },
  keys: { draw: keysView, every: 60_000 },
  key: { draw: keyView, every: 60_000, nav: 'keys' },
  traffic: { draw: trafficView, every: 15_000 },
};

const $ = (id) => document.getElementById(id);
let drawn = 0;
let timer = null;

function showLogin(message) {
  clearTimeout(timer);
  $('nav').hidden = true;
  $('session').hidden = true;
  $('view').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = message || '';
  $('admin-key').focus();
}

function showApp() {
  $('login').hidden = true;
  $('nav').hidden = false;
  $('session').hidden = false;
  $('view').hidden = false;
}

/** The view named by the fragment (#miners, #miner/<hotkey>, ...) and its argument. */
function route() {
  const fragment = location.hash.replace(/^#/, '');
  const slash = fragment.indexOf('/');
  const name = slash < 0 ? fragment : fragment.slice(0, slash);
  const arg = slash < 0 ? undefined : decodeURIComponent(fragment.slice(slash + 1));
  return VIEWS[name] ? { name, arg } : { name: 'miners', arg: undefined };
}

async function draw() {
  clearTimeout(timer);
  const mine = ++drawn;
  const { name, arg } = route();
  const view = VIEWS[name];
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.dataset.view === (view.nav || name)) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const target = h('div', { 'data-view': name });
  try {
    await view.draw(target, arg);
  } catch (e) {
    if (mine !== drawn) return;
    if (e instanceof AuthError) {
      forgetKey();
      showLogin('The admin key was refused: ' + e.message);
      return;
    }
    fill(target, h('p', { class: 'error', id: 'view-error' }, 'Could not load this view: ' + e.message));
  }
  if (mine !== drawn) return; // a newer view was asked for meanwhile
  fill($('view'), target);
  $('updated').textContent = 'Updated ' + time(Date.now());
  if (view.every) timer = setTimeout(draw, view.every);
}

async function logIn(event) {
  event.preventDefault();
  const key = $('admin-key').value.trim();
  if (!key) return;
  setKey(key);
  $('login-button').disabled = true;
  try {
    await get('task-weights');
    $('admin-key').value = '';
    showApp();
    await draw();
  } catch (e) {
    forgetKey();
    showLogin(e instanceof AuthError ? 'That key was refused: ' + e.message : 'Could not reach the admin API: ' + e.message);
  } finally {
    $('login-button').disabled = false;
  }
}

function start() {
  $('login-form').addEventListener('submit', logIn);
  $('logout').addEventListener('click', () => {
    forgetKey();
    showLogin('Logged out.');
  });
  $('refresh').addEventListener('click', () => draw());
  window.addEventListener('hashchange', () => {
    if (hasKey()) draw();
  });
  if (hasKey()) {
    showApp();
    draw();
  } else {
    showLogin();
  }
}

start();
