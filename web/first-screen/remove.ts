/**
 * Takes away the picture of the first screen that index.html painted (web/first-screen/paint.ts). Called in a
 * layout effect by the component that draws the real page (the portal's layout, the back office's sign-in),
 * so the picture goes in the same frame as the page appears: no frame without either, nothing moves.
 */
export function removeFirstScreen(): void {
  document.getElementById('first-screen')?.remove();
}
