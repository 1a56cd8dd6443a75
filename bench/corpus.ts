// Message text for the big database: French and English words drawn with a skew (a few words very
// common, most rare, as in real chat), so searches meet both long and short posting lists.
// Deterministic: message i always gets the same text.

const WORDS = `le la les un une des et à de du en pour pas que qui dans sur avec ce cette il elle on nous
vous ils est sont était être avoir fait faire plus très bien merci bonjour salut oui non demain hier
aujourd'hui réunion projet équipe déjeuner café école élève été forêt château garçon français cœur
noël crème brûlée fenêtre hôpital théâtre bibliothèque voiture vélo train gare aéroport rendez-vous
semaine week-end vacances soleil pluie neige plage montagne musique film livre photo message appel
the a an and to of in for on with is are was be have do it this that we you they not yes no thanks
hello hi tomorrow yesterday today meeting project team lunch coffee school student summer forest
castle boy heart window hospital theatre library car bike train station airport appointment week
weekend holiday sun rain snow beach mountain music movie book picture call release deploy review
bug fix test build server client database query index search deadline budget invoice customer
naïve café résumé fiancée déjà-vu jalapeño façade über señor piñata entrée soirée protégé`
  .split(/\s+/)
  .filter(Boolean)

/** Words by rank: a few are in most messages, the last ones in well under one in a thousand. */
export const VOCABULARY: readonly string[] = WORDS

/** A fast deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The text of message `i`: 4 to 15 words, early words far more likely (rank ~ uniform³). */
export function messageText(i: number): string {
  const next = random(i * 2654435761)
  const length = 4 + Math.floor(next() * 12)
  const words: string[] = []
  for (let w = 0; w < length; w++) words.push(WORDS[Math.floor(next() ** 3 * WORDS.length)]!)
  return `${words.join(" ")} #${i}`
}
