/** An in-app link: a real <a href> (so it opens in a new tab, and reads as a link), routed in place. */
import type { ComponentChildren, JSX } from "preact";
import { navigate } from "../lib/router.js";

type Props = Omit<JSX.HTMLAttributes<HTMLAnchorElement>, "href"> & { href: string; children: ComponentChildren };

export function Link({ href, children, ...rest }: Props) {
  const onClick = (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}
