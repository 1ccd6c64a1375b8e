import type { ReactNode } from "react";

/** The few icons the app uses, drawn inline (no icon font, nothing for the CSP to block). */

interface IconProps {
  className?: string;
}

/** A decorative stroke icon: hidden from assistive technology, labelled by its button or link. */
function Stroke({ className, width = 1.8, children }: IconProps & { width?: number; children: ReactNode }) {
  return (
    <svg
      xmlns="http://www.w3.org/2000/svg"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={width}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      className={className}
    >
      {children}
    </svg>
  );
}

export const LogoMark = ({ className }: IconProps) => (
  <svg
    xmlns="http://www.w3.org/2000/svg"
    viewBox="0 0 32 32"
    aria-hidden="true"
    focusable="false"
    className={className}
  >
    <rect width="32" height="32" rx="8" fill="#2550c9" />
    <path
      d="M8 11.5 16 17l8-5.5M8.5 10h15a1.5 1.5 0 0 1 1.5 1.5v9a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 7 20.5v-9A1.5 1.5 0 0 1 8.5 10Z"
      fill="none"
      stroke="#fff"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
    />
  </svg>
);

export const InboxIcon = ({ className }: IconProps) => (
  <Stroke className={className}>
    <path d="M3 13h5l1.5 3h5L16 13h5" />
    <path d="M5.5 5h13L21 13v5a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1v-5l2.5-8Z" />
  </Stroke>
);

export const PlugIcon = ({ className }: IconProps) => (
  <Stroke className={className}>
    <path d="M9 3v5M15 3v5M6 8h12v3a6 6 0 0 1-12 0V8ZM12 17v4" />
  </Stroke>
);

export const TrayIcon = ({ className }: IconProps) => (
  <Stroke className={className}>
    <path d="M4 6h16M4 12h16M4 18h10" />
  </Stroke>
);

export const UsersIcon = ({ className }: IconProps) => (
  <Stroke className={className}>
    <circle cx="9" cy="8" r="3.5" />
    <path d="M2.5 20a6.5 6.5 0 0 1 13 0M16 4.7a3.5 3.5 0 0 1 0 6.6M18 14.5a6.5 6.5 0 0 1 3.5 5.5" />
  </Stroke>
);

export const MenuIcon = ({ className }: IconProps) => (
  <Stroke className={className}>
    <path d="M4 7h16M4 12h16M4 17h16" />
  </Stroke>
);

export const CloseIcon = ({ className }: IconProps) => (
  <Stroke className={className}>
    <path d="M6 6l12 12M18 6 6 18" />
  </Stroke>
);

export const CheckIcon = ({ className }: IconProps) => (
  <Stroke width={2.4} className={className}>
    <path d="M5 12.5 10 17 19 7.5" />
  </Stroke>
);

export const ChevronDownIcon = ({ className }: IconProps) => (
  <Stroke className={className}>
    <path d="m6 9 6 6 6-6" />
  </Stroke>
);

export const OutlookIcon = ({ className }: IconProps) => (
  <svg
    xmlns="http://www.w3.org/2000/svg"
    viewBox="0 0 24 24"
    aria-hidden="true"
    focusable="false"
    className={className}
  >
    <rect x="9" y="4" width="13" height="16" rx="2" fill="#1f6fd1" />
    <path d="M9 9h13M15.5 9v11" stroke="#5aa0ec" strokeWidth="1.2" />
    <rect x="2" y="6.5" width="11" height="11" rx="1.6" fill="#0b4fa8" />
    <ellipse cx="7.5" cy="12" rx="2.6" ry="3.1" fill="none" stroke="#fff" strokeWidth="1.6" />
  </svg>
);

export const AlertIcon = ({ className }: IconProps) => (
  <Stroke className={className}>
    <path d="M12 3.5 2.5 20h19L12 3.5Z" />
    <path d="M12 10v4.5M12 17.2v.1" />
  </Stroke>
);

export const ArrowRightIcon = ({ className }: IconProps) => (
  <Stroke className={className}>
    <path d="M5 12h14M13 6l6 6-6 6" />
  </Stroke>
);

export const KeyIcon = ({ className }: IconProps) => (
  <Stroke className={className}>
    <circle cx="8" cy="15" r="4" />
    <path d="m11 12 8.5-8.5M16 7l2.5 2.5M18.5 4.5 21 7" />
  </Stroke>
);

export const BellIcon = ({ className }: IconProps) => (
  <Stroke className={className}>
    <path d="M6 8a6 6 0 1 1 12 0c0 7 3 8 3 8H3s3-1 3-8" />
    <path d="M10.3 20a1.9 1.9 0 0 0 3.4 0" />
  </Stroke>
);
