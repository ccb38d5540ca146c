export { PasskeySection } from "./PasskeySection";
export { PasskeySignIn } from "./PasskeySignIn";
