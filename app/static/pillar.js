import { initAll } from '/assets/govuk-frontend.min.js'

initAll()

// Warn before an idle session ends, and keep it alive on request without
// reloading the page, so nothing typed into a form is lost.
const WARN_BEFORE_MS = 5 * 60 * 1000
const session = document.querySelector('meta[name="pillar-session"]')

function idleWarning (idleMinutes, keepAliveUrl, csrfToken) {
  let timer = null
  let banner = null

  const schedule = () => {
    window.clearTimeout(timer)
    timer = window.setTimeout(show, Math.max(idleMinutes * 60 * 1000 - WARN_BEFORE_MS, 0))
  }

  const hide = () => {
    if (banner) banner.remove()
    banner = null
  }

  const stay = async () => {
    const response = await window.fetch(keepAliveUrl, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-CSRFToken': csrfToken, Accept: 'application/json' }
    })
    if (response.ok) {
      hide()
      schedule()
    } else {
      banner.querySelector('.govuk-notification-banner__heading').textContent =
        'You have been signed out. Copy anything you have typed, then sign in again.'
    }
  }

  function show () {
    if (banner) return
    banner = document.createElement('div')
    banner.className = 'govuk-notification-banner pillar-idle-warning'
    banner.setAttribute('role', 'alert')
    banner.setAttribute('aria-labelledby', 'pillar-idle-title')
    banner.innerHTML =
      '<div class="govuk-notification-banner__header">' +
      '<h2 class="govuk-notification-banner__title" id="pillar-idle-title">Important</h2></div>' +
      '<div class="govuk-notification-banner__content">' +
      '<p class="govuk-notification-banner__heading">You will be signed out in 5 minutes because you have not used Pillar for a while.</p>' +
      '<button type="button" class="govuk-button govuk-!-margin-bottom-0" data-module="govuk-button">Stay signed in</button>' +
      '</div>'
    banner.querySelector('button').addEventListener('click', stay)
    const main = document.querySelector('main') || document.body
    main.prepend(banner)
    banner.querySelector('button').focus()
  }

  schedule()
}

if (session) {
  idleWarning(Number(session.content), session.dataset.keepAlive, session.dataset.csrfToken)
}

// Keep what is typed into a form in this tab's sessionStorage until the page
// changes, so a session that ends (idle, 12 hours, or ended elsewhere) loses
// nothing: posting the form then leads to the sign-in page, and signing in
// again leads back to the form with the text put back. Drafts bridge a
// sign-in only: any other page clears them, and signing out clears them.
const DRAFT_PREFIX = 'pillar-draft:'
// Hidden fields are kept too (not the CSRF token, which belongs to the old
// session): an edit's version number goes back with its text, so a save made by
// someone else meanwhile is still caught as a conflict rather than overwritten.
const KEPT_FIELDS = 'textarea, select, input:not([type=password]):not([type=file]):not([type=submit]):not([type=button]):not([name=csrf_token])'

function draftKey (form) {
  return DRAFT_PREFIX + new URL(form.action, window.location.href).pathname
}

function readForm (form) {
  const values = {}
  form.querySelectorAll(KEPT_FIELDS).forEach((field) => {
    if (!field.name) return
    if (field.type === 'checkbox' || field.type === 'radio') {
      values[field.name + '=' + field.value] = field.checked
    } else {
      values[field.name] = field.value
    }
  })
  return values
}

function fillForm (form, values) {
  form.querySelectorAll(KEPT_FIELDS).forEach((field) => {
    if (!field.name) return
    if (field.type === 'checkbox' || field.type === 'radio') {
      const key = field.name + '=' + field.value
      if (key in values) field.checked = values[key]
    } else if (field.name in values) {
      field.value = values[field.name]
    }
  })
}

function keepDrafts (userId) {
  const cameFromSignIn = document.referrer !== '' && new URL(document.referrer).pathname === '/sign-in'
  const forms = Array.from(document.querySelectorAll('main form[method=post i]'))
  for (const form of forms) {
    const key = draftKey(form)
    const stored = window.sessionStorage.getItem(key)
    if (stored && cameFromSignIn) {
      const draft = JSON.parse(stored)
      if (draft.user === userId && JSON.stringify(draft.values) !== JSON.stringify(readForm(form))) {
        fillForm(form, draft.values)
        const notice = document.createElement('div')
        notice.className = 'govuk-inset-text pillar-draft-restored'
        notice.setAttribute('role', 'status')
        notice.textContent = 'You were signed out before this was saved. What you typed has been put back: check it, then save it.'
        form.prepend(notice)
      }
    }
    form.addEventListener('input', () => {
      window.sessionStorage.setItem(key, JSON.stringify({ user: userId, values: readForm(form) }))
    })
  }
  // Drafts only bridge a sign-in: once a signed-in page has loaded, earlier ones have done their work.
  const onThisPage = new Set(forms.map(draftKey))
  for (let i = window.sessionStorage.length - 1; i >= 0; i--) {
    const key = window.sessionStorage.key(i)
    if (key.startsWith(DRAFT_PREFIX) && !(cameFromSignIn && onThisPage.has(key))) {
      window.sessionStorage.removeItem(key)
    }
  }
  const signOut = document.querySelector('form[action="/sign-out"]')
  if (signOut) {
    signOut.addEventListener('submit', () => {
      for (let i = window.sessionStorage.length - 1; i >= 0; i--) {
        const key = window.sessionStorage.key(i)
        if (key.startsWith(DRAFT_PREFIX)) window.sessionStorage.removeItem(key)
      }
    })
  }
}

if (session) keepDrafts(session.dataset.user)

// Progress of long-running work (imports, exports): without JavaScript the
// page has a "Check progress" link; with it, the page asks again every few
// seconds and updates in place, announcing through the region's role="status".
const progress = document.querySelector('[data-pillar-progress]')

async function followProgress () {
  const response = await window.fetch(window.location.href, { credentials: 'same-origin' })
  if (!response.ok) return
  const next = new window.DOMParser().parseFromString(await response.text(), 'text/html')
  const region = next.querySelector('[data-pillar-progress]')
  if (region) {
    progress.innerHTML = region.innerHTML
    window.setTimeout(followProgress, 3000)
    return
  }
  // Finished: show the page's final state and put the reader at its heading.
  const main = document.querySelector('main')
  const finished = next.querySelector('main')
  if (main && finished) {
    main.innerHTML = finished.innerHTML
    document.title = next.title
    const heading = main.querySelector('h1')
    if (heading) {
      heading.setAttribute('tabindex', '-1')
      heading.focus()
    }
  }
}

if (progress) window.setTimeout(followProgress, 3000)
