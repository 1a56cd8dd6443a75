/** The web client's entry: words, theme, then the app into #app. */
import "./words.ts"
import "./core/theme.ts"
import { render } from "preact"
import { App } from "./App.tsx"
import { lang } from "./core/i18n.ts"

document.documentElement.lang = lang.value
render(<App />, document.getElementById("app")!)
