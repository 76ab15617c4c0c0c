import { useEffect, useRef } from "preact/hooks";

let firstScreen = true;

/** A screen's heading takes the focus when the screen changes (not on the page's first load), so that
 * a screen reader announces the new screen and the keyboard starts from its top. */
export function useHeadingFocus<T extends HTMLElement>() {
  const heading = useRef<T>(null);
  useEffect(() => {
    if (firstScreen) {
      firstScreen = false;
      return;
    }
    heading.current?.focus();
  }, []);
  return heading;
}
