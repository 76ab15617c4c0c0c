import { useLayoutEffect, useRef } from "preact/hooks";

let firstScreen = true;

/** A screen's heading takes the focus when the screen changes (not on the page's first load), so that
 * a screen reader announces the new screen and the keyboard starts from its top. */
export function useHeadingFocus<T extends HTMLElement>() {
  const heading = useRef<T>(null);
  // a layout effect: the focus is there when the new screen is painted, not one frame later
  useLayoutEffect(() => {
    if (firstScreen) {
      firstScreen = false;
      return;
    }
    heading.current?.focus();
  }, []);
  return heading;
}
