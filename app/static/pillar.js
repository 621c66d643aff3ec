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
