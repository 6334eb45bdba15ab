// English and French; the language comes from the browser unless the user chose one (kept in localStorage: not
// sensitive). Dates and numbers use Intl in that locale; odds are decimal unless the user picked another format.

const en = {
  dashboard: 'Dashboard', opportunities: 'Opportunities', bets: 'Bets', bankrolls: 'Bankrolls', analytics: 'Analytics',
  agents: 'Agents', calculators: 'Calculators', settings: 'Settings', admin: 'Admin', logout: 'Log out', login: 'Log in',
  email: 'Email', password: 'Password', password_again: 'Password (needed when you signed in more than 5 minutes ago)', signin_title: 'Sign in to MonPS', bad_login: 'Wrong email or password.',
  language: 'Language', odds_format: 'Odds', decimal: 'Decimal', fractional: 'Fractional', american: 'American',
  urgent: 'Starting within 24 h', today_pnl: 'Today', week_pnl: 'Last 7 days', bankroll_curve: 'Bankroll curve',
  latest_settlements: 'Latest settlements', event: 'Event', market: 'Market', selection: 'Selection', bookmaker: 'Bookmaker',
  price: 'Price', odds: 'Odds', edge: 'Edge', score: 'Score', verdict: 'Verdict', starts: 'Starts', sport: 'Sport',
  stake: 'Stake', status: 'Status', profit: 'Profit', clv: 'CLV', placed: 'Placed', actions: 'Actions', all: 'All',
  min_edge: 'Minimum edge (%)', starts_within: 'Starts within', sort: 'Sort', apply: 'Apply', any: 'Any',
  h24: '24 hours', bet: 'Bet', share: 'Share', details: 'Details', votes: 'Agents’ votes', reason: 'Reason',
  odds_history: 'Odds history', agent: 'Agent', voted: 'Voted', weight: 'Weight', yes: 'Yes', no: 'No',
  bet_slip: 'Bet slip', suggested_stake: 'Suggested stake (Kelly)', bankroll: 'Bankroll', place_bet: 'Place bet',
  bet_placed: 'Bet placed.', cancel: 'Cancel', edit: 'Edit', save: 'Save', settle: 'Settle', export: 'Export',
  balance: 'Balance', pending_stakes: 'Pending stakes', ledger: 'Ledger', deposit: 'Deposit', withdraw: 'Withdraw',
  amount: 'Amount', note: 'Note', kind: 'Kind', when: 'When', balance_after: 'Balance after', range: 'Range',
  roi_by_bookmaker: 'ROI by bookmaker', win_rate: 'Win rate by period', heatmap: 'Day × hour (profit)',
  clv_distribution: 'CLV distribution', bets_count: 'Bets', yield: 'Yield', hit_rate: 'Hit rate', staked: 'Staked',
  compare: 'Compare agents', decision_history: 'Decision history', backtests: 'Backtests', run_backtest: 'Run backtest',
  strategy: 'Strategy', equity_curve: 'Equity curve', period: 'Period', live: 'Live', backtest: 'Backtest',
  devig: 'De-vig', ev: 'Expected value', kelly: 'Kelly', compute: 'Compute', probability: 'Probability',
  method: 'Method', result: 'Result', kelly_fraction: 'Kelly fraction', max_stake: 'Maximum stake (% of bankroll)',
  default_bankroll: 'Default bankroll', alerts: 'Alerts', api_tokens: 'API tokens', name: 'Name', scopes: 'Scopes',
  create: 'Create', revoke: 'Revoke', secret_once: 'Copy this secret now: it is shown only once.', saved: 'Saved.',
  users: 'Users', audit_log: 'Audit log', jobs: 'Jobs', runs: 'Runs', run_now: 'Run now', platform: 'Platform settings',
  odds_api_key: 'Odds API key', key_set: 'set', key_unset: 'not set', import_file: 'Historical file upload',
  format: 'Format', file: 'File', upload: 'Upload', role: 'Role', disabled: 'Disabled', disable: 'Disable',
  enable: 'Enable', search: 'Search', action: 'Action', enabled: 'Enabled', registration_open: 'Registration open',
  shared_opportunity: 'Shared opportunity', fair_odds: 'Fair odds', stale: 'Offline: showing the last data loaded, it may be out of date.',
  error: 'Something went wrong', not_found: 'Not found', loading: 'Loading…', none: 'Nothing yet.',
  share_public: 'Create public link', share_users: 'Share with (emails, comma separated)', link: 'Link',
  new_data: 'New opportunities are available.', correct: 'Correct', void_: 'Void', won: 'Won', lost: 'Lost',
  push: 'Push', half_won: 'Half won', half_lost: 'Half lost', pending: 'Pending', cancelled: 'Cancelled',
  settled_msg: 'Bet settled.', cancelled_msg: 'Bet cancelled.', theme: 'Theme', skip: 'Skip to content', menu: 'Menu',
  from: 'From', to: 'To', interval: 'Interval', week: 'Week', month: 'Month', quarter: 'Quarter', jobs_runs: 'Jobs and runs',
  description: 'Description', last_run: 'Last run', started: 'Started', items: 'Items', errors: 'Errors',
  min_edge_alert: 'Alert minimum edge (%)', thresholds: 'Thresholds', created: 'Created', expires: 'Expires',
  last_used: 'Last used', total: 'Total', margin: 'Margin', stakes: 'Stakes', closing_odds: 'Closing odds',
  bet_odds: 'Bet odds', beat_close: 'Beat the close', offline: 'Offline', open_in_app: 'Open MonPS', signed_out: 'Signed out.',
  pnl: 'P&L', sharp_bookmaker: 'Sharp bookmaker', devig_method: 'De-vig method', sent: 'Shared.', agent_onoff: 'Agents on/off',
  notifications: 'Notifications', unread: 'Unread', mark_all_read: 'Mark all read', load_more: 'Load more',
  event_log: 'Event log (7 days)', webhooks: 'Webhooks', add_webhook: 'Add a webhook', target: 'Target', events: 'Events',
  send_test: 'Send a test', delete: 'Delete', test_queued: 'Test event queued.', signed_json: 'Signed JSON',
  url: 'URL', bot_token: 'Bot token', chat_id: 'Chat id', signing_secret: 'Signing secret (shown once)',
  failed_deliveries: 'Failed deliveries', channel: 'Channel', attempts: 'Attempts', last_error: 'Last error',
  retry: 'Retry', retry_queued: 'Delivery queued again.', daily_digest: 'Daily digest',
  n_bet_settled: 'Bet settled', n_kickoff_soon: 'Kick-off soon', n_clv: 'Closing line value', n_opportunity: 'New opportunity',
  n_backtest: 'Backtest finished', n_digest: 'Daily summary', n_job_failed: 'Job failed', n_quota_low: 'Odds API credits low',
  settled_bets: 'settled', forgot_password: 'Forgot password?', reset_password: 'Reset your password',
  send_reset_link: 'Send the link', reset_requested: 'If an account has this address, a link valid for 30 minutes is on its way.',
  back_to_login: 'Back to sign in', new_password: 'New password', password_repeat: 'New password again',
  password_rule: 'At least 12 characters, not a common password.', passwords_differ: 'The two passwords differ.',
  password_changed: 'Password changed: sign in with it.', link_expired: 'This link is expired or was already used: ask for a new one.',
  no_decisions_yet: 'No decision graded yet: each opportunity joins this history once its event has kicked off and has a result (job opportunities.grade).',
  verify_email: 'Confirm your address', email_verified: 'Your address is confirmed.', continue: 'Continue',
  home: 'Home', draw: 'Draw', away: 'Away', over: 'Over', under: 'Under', tags: 'Tags', reasons: 'Notes',
};

const fr = {
  dashboard: 'Tableau de bord', opportunities: 'Opportunités', bets: 'Paris', bankrolls: 'Bankrolls', analytics: 'Analyses',
  agents: 'Agents', calculators: 'Calculateurs', settings: 'Réglages', admin: 'Admin', logout: 'Se déconnecter',
  login: 'Se connecter', email: 'E-mail', password: 'Mot de passe', password_again: 'Mot de passe (demandé si la connexion date de plus de 5 minutes)', signin_title: 'Connexion à MonPS',
  bad_login: 'E-mail ou mot de passe incorrect.', language: 'Langue', odds_format: 'Cotes', decimal: 'Décimales',
  fractional: 'Fractionnaires', american: 'Américaines', urgent: 'Dans moins de 24 h', today_pnl: 'Aujourd’hui',
  week_pnl: '7 derniers jours', bankroll_curve: 'Évolution de la bankroll', latest_settlements: 'Derniers règlements',
  event: 'Événement', market: 'Marché', selection: 'Sélection', bookmaker: 'Bookmaker', price: 'Cote', odds: 'Cote',
  edge: 'Avantage', score: 'Score', verdict: 'Verdict', starts: 'Début', sport: 'Sport', stake: 'Mise', status: 'Statut',
  profit: 'Gain', clv: 'CLV', placed: 'Placé', actions: 'Actions', all: 'Tout', min_edge: 'Avantage minimum (%)',
  starts_within: 'Commence dans', sort: 'Tri', apply: 'Appliquer', any: 'Tous', h24: '24 heures', bet: 'Parier',
  share: 'Partager', details: 'Détails', votes: 'Votes des agents', reason: 'Raison', odds_history: 'Historique des cotes',
  agent: 'Agent', voted: 'A voté', weight: 'Poids', yes: 'Oui', no: 'Non', bet_slip: 'Bulletin de pari',
  suggested_stake: 'Mise suggérée (Kelly)', bankroll: 'Bankroll', place_bet: 'Placer le pari', bet_placed: 'Pari placé.',
  cancel: 'Annuler', edit: 'Modifier', save: 'Enregistrer', settle: 'Régler', export: 'Exporter', balance: 'Solde',
  pending_stakes: 'Mises en cours', ledger: 'Mouvements', deposit: 'Dépôt', withdraw: 'Retrait', amount: 'Montant',
  note: 'Note', kind: 'Type', when: 'Date', balance_after: 'Solde après', range: 'Période',
  roi_by_bookmaker: 'ROI par bookmaker', win_rate: 'Taux de réussite par période', heatmap: 'Jour × heure (gain)',
  clv_distribution: 'Distribution de la CLV', bets_count: 'Paris', yield: 'Rendement', hit_rate: 'Réussite',
  staked: 'Misé', compare: 'Comparer les agents', decision_history: 'Historique des décisions', backtests: 'Backtests',
  run_backtest: 'Lancer un backtest', strategy: 'Stratégie', equity_curve: 'Courbe de capital', period: 'Période',
  live: 'Réel', backtest: 'Backtest', devig: 'Dé-marge', ev: 'Espérance', kelly: 'Kelly', compute: 'Calculer',
  probability: 'Probabilité', method: 'Méthode', result: 'Résultat', kelly_fraction: 'Fraction de Kelly',
  max_stake: 'Mise maximale (% de la bankroll)', default_bankroll: 'Bankroll par défaut', alerts: 'Alertes',
  api_tokens: 'Jetons d’API', name: 'Nom', scopes: 'Portées', create: 'Créer', revoke: 'Révoquer',
  secret_once: 'Copiez ce secret maintenant : il n’est affiché qu’une fois.', saved: 'Enregistré.', users: 'Utilisateurs',
  audit_log: 'Journal d’audit', jobs: 'Tâches', runs: 'Exécutions', run_now: 'Lancer maintenant',
  platform: 'Réglages de la plateforme', odds_api_key: 'Clé Odds API', key_set: 'définie', key_unset: 'non définie',
  import_file: 'Import de fichier historique', format: 'Format', file: 'Fichier', upload: 'Envoyer', role: 'Rôle',
  disabled: 'Désactivé', disable: 'Désactiver', enable: 'Activer', search: 'Rechercher', action: 'Action',
  enabled: 'Actif', registration_open: 'Inscriptions ouvertes', shared_opportunity: 'Opportunité partagée',
  fair_odds: 'Cote juste', stale: 'Hors ligne : dernières données chargées, peut-être périmées.',
  error: 'Une erreur est survenue', not_found: 'Introuvable', loading: 'Chargement…', none: 'Rien pour l’instant.',
  share_public: 'Créer un lien public', share_users: 'Partager avec (e-mails séparés par des virgules)', link: 'Lien',
  new_data: 'De nouvelles opportunités sont disponibles.', correct: 'Corriger', void_: 'Annulé', won: 'Gagné',
  lost: 'Perdu', push: 'Remboursé', half_won: 'Demi-gagné', half_lost: 'Demi-perdu', pending: 'En cours',
  cancelled: 'Annulé', settled_msg: 'Pari réglé.', cancelled_msg: 'Pari annulé.', theme: 'Thème',
  skip: 'Aller au contenu', menu: 'Menu', from: 'Du', to: 'Au', interval: 'Intervalle', week: 'Semaine', month: 'Mois',
  quarter: 'Trimestre', jobs_runs: 'Tâches et exécutions', description: 'Description', last_run: 'Dernière exécution',
  started: 'Début', items: 'Éléments', errors: 'Erreurs', min_edge_alert: 'Avantage minimum des alertes (%)',
  thresholds: 'Seuils', created: 'Créé', expires: 'Expire', last_used: 'Dernier usage', total: 'Total', margin: 'Marge',
  stakes: 'Mises', closing_odds: 'Cotes de clôture', bet_odds: 'Cote du pari', beat_close: 'Battu la clôture',
  offline: 'Hors ligne', open_in_app: 'Ouvrir MonPS', signed_out: 'Déconnecté.', pnl: 'Résultats',
  sharp_bookmaker: 'Bookmaker de référence', devig_method: 'Méthode de dé-marge', sent: 'Partagé.',
  agent_onoff: 'Agents actifs', home: 'Domicile', draw: 'Nul', away: 'Extérieur', over: 'Plus', under: 'Moins',
  notifications: 'Notifications', unread: 'Non lues', mark_all_read: 'Tout marquer comme lu', load_more: 'Voir plus',
  event_log: 'Journal (7 jours)', webhooks: 'Webhooks', add_webhook: 'Ajouter un webhook', target: 'Cible', events: 'Événements',
  send_test: 'Envoyer un test', delete: 'Supprimer', test_queued: 'Événement de test en file.', signed_json: 'JSON signé',
  url: 'URL', bot_token: 'Jeton du bot', chat_id: 'Identifiant du chat', signing_secret: 'Secret de signature (affiché une fois)',
  failed_deliveries: 'Envois échoués', channel: 'Canal', attempts: 'Tentatives', last_error: 'Dernière erreur',
  retry: 'Réessayer', retry_queued: 'Envoi remis en file.', daily_digest: 'Résumé quotidien',
  n_bet_settled: 'Pari réglé', n_kickoff_soon: 'Début imminent', n_clv: 'Valeur de clôture', n_opportunity: 'Nouvelle opportunité',
  n_backtest: 'Backtest terminé', n_digest: 'Résumé du jour', n_job_failed: 'Tâche en échec', n_quota_low: 'Crédits Odds API bas',
  settled_bets: 'réglés', forgot_password: 'Mot de passe oublié ?', reset_password: 'Réinitialiser le mot de passe',
  send_reset_link: 'Envoyer le lien', reset_requested: 'Si un compte a cette adresse, un lien valable 30 minutes arrive.',
  back_to_login: 'Retour à la connexion', new_password: 'Nouveau mot de passe', password_repeat: 'Nouveau mot de passe (encore)',
  password_rule: 'Au moins 12 caractères, pas un mot de passe courant.', passwords_differ: 'Les deux mots de passe diffèrent.',
  password_changed: 'Mot de passe changé : connectez-vous avec.', link_expired: 'Ce lien a expiré ou a déjà servi : demandez-en un autre.',
  no_decisions_yet: 'Aucune décision notée pour l’instant : chaque opportunité entre dans cet historique une fois son événement commencé et son résultat connu (tâche opportunities.grade).',
  verify_email: 'Confirmer votre adresse', email_verified: 'Votre adresse est confirmée.', continue: 'Continuer',
  tags: 'Étiquettes', reasons: 'Remarques',
};

const dictionaries = { en, fr };
const prefs = {
  lang: pick(localStorage.getItem('monps.lang') || navigator.language),
  odds: localStorage.getItem('monps.odds') || 'decimal',
};

function pick(tag) { return String(tag || 'en').toLowerCase().startsWith('fr') ? 'fr' : 'en'; }

export const lang = () => prefs.lang;
export const oddsFormat = () => prefs.odds;
export function setLang(value) { prefs.lang = pick(value); localStorage.setItem('monps.lang', prefs.lang); document.documentElement.lang = prefs.lang; }
export function setOddsFormat(value) { prefs.odds = value; localStorage.setItem('monps.odds', value); }
export function t(key) { return dictionaries[prefs.lang][key] ?? en[key] ?? key; }

const digitsCache = new Map();
/** Decimal digits of a currency's minor unit (EUR 2, JPY 0). */
export function minorDigits(currency) {
  if (!digitsCache.has(currency)) {
    let digits = 2;
    try { digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits; } catch { /* unknown code */ }
    digitsCache.set(currency, digits);
  }
  return digitsCache.get(currency);
}

export function money(minor, currency = 'EUR') {
  if (minor === undefined || minor === null) return '—';
  const digits = minorDigits(currency);
  try {
    return new Intl.NumberFormat(prefs.lang, { style: 'currency', currency }).format(minor / 10 ** digits);
  } catch {
    return `${(minor / 10 ** digits).toFixed(digits)} ${currency}`;
  }
}

/** "12,50" or "12.50" in major units → integer minor units (NaN when not a number). */
export function toMinor(text, currency = 'EUR') {
  const value = Number(String(text).replace(/\s/g, '').replace(',', '.'));
  return Number.isFinite(value) ? Math.round(value * 10 ** minorDigits(currency)) : NaN;
}

export function fromMinor(minor, currency = 'EUR') { return (minor / 10 ** minorDigits(currency)).toFixed(minorDigits(currency)); }

export function pct(x, digits = 1) {
  if (x === undefined || x === null || Number.isNaN(x)) return '—';
  return new Intl.NumberFormat(prefs.lang, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x);
}

export function num(x, digits = 2) {
  if (x === undefined || x === null) return '—';
  return new Intl.NumberFormat(prefs.lang, { maximumFractionDigits: digits }).format(x);
}

export function dateTime(iso) {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(prefs.lang, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

export function date(iso) {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(prefs.lang, { dateStyle: 'medium' }).format(new Date(iso));
}

/** Decimal odds in the chosen format: 2.5 → "2.50", "6/4" or "+150". */
export function odds(decimal) {
  if (decimal === undefined || decimal === null) return '—';
  if (prefs.odds === 'american') {
    return decimal >= 2 ? `+${Math.round((decimal - 1) * 100)}` : `${Math.round(-100 / (decimal - 1))}`;
  }
  if (prefs.odds === 'fractional') {
    const [n, d] = fraction(decimal - 1);
    return `${n}/${d}`;
  }
  return new Intl.NumberFormat(prefs.lang, { minimumFractionDigits: 2, maximumFractionDigits: 3 }).format(decimal);
}

/** Best fraction with a denominator ≤ 100 (continued fractions). */
export function fraction(x) {
  let [h0, h1, k0, k1] = [0, 1, 1, 0];
  let value = x;
  for (let i = 0; i < 20; i++) {
    const a = Math.floor(value);
    const [h2, k2] = [a * h1 + h0, a * k1 + k0];
    if (k2 > 100) break;
    [h0, h1, k0, k1] = [h1, h2, k1, k2];
    if (Math.abs(value - a) < 1e-9) break;
    value = 1 / (value - a);
  }
  return [h1, k1 || 1];
}

export function label(value) { return value === undefined || value === null ? '—' : t(value === 'void' ? 'void_' : value); }
