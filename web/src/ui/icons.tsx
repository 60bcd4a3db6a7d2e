// A small set of 16 px line icons, drawn for this app. Decorative: always aria-hidden; the control
// that holds one carries the accessible name.
import type { ReactNode, SVGProps } from 'react';

type IconProps = Omit<SVGProps<SVGSVGElement>, 'children'> & { size?: number };

function icon(paths: ReactNode) {
  return function Icon({ size = 16, ...props }: IconProps) {
    return (
      <svg
        width={size}
        height={size}
        viewBox="0 0 16 16"
        fill="none"
        stroke="currentColor"
        strokeWidth={1.5}
        strokeLinecap="round"
        strokeLinejoin="round"
        aria-hidden="true"
        focusable="false"
        {...props}
      >
        {paths}
      </svg>
    );
  };
}

export const InboxIcon = icon(
  <>
    <path d="M2 9.5 3.8 3.6A1 1 0 0 1 4.8 3h6.4a1 1 0 0 1 1 .6L14 9.5V12a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1Z" />
    <path d="M2 9.5h3.2l.8 1.5h4l.8-1.5H14" />
  </>,
);
export const UserIcon = icon(
  <>
    <circle cx="8" cy="5.5" r="2.5" />
    <path d="M3 13.5c.6-2.4 2.6-3.8 5-3.8s4.4 1.4 5 3.8" />
  </>,
);
export const UserPlusIcon = icon(
  <>
    <circle cx="6.5" cy="5.5" r="2.5" />
    <path d="M1.8 13.5c.6-2.4 2.4-3.8 4.7-3.8 1.3 0 2.4.4 3.2 1.2M12.5 8.5v4M10.5 10.5h4" />
  </>,
);
export const ClockIcon = icon(
  <>
    <circle cx="8" cy="8" r="6" />
    <path d="M8 4.8V8l2.2 1.4" />
  </>,
);
export const AlertIcon = icon(
  <>
    <path d="M7.1 2.6a1 1 0 0 1 1.8 0l5.3 9.8a1 1 0 0 1-.9 1.5H2.7a1 1 0 0 1-.9-1.5Z" />
    <path d="M8 6.3v3M8 11.4v.1" />
  </>,
);
export const ListIcon = icon(<path d="M5.5 4h8M5.5 8h8M5.5 12h8M2.5 4h.01M2.5 8h.01M2.5 12h.01" />);
export const SearchIcon = icon(
  <>
    <circle cx="7" cy="7" r="4.5" />
    <path d="m10.5 10.5 3 3" />
  </>,
);
export const PlusIcon = icon(<path d="M8 3v10M3 8h10" />);
export const CheckIcon = icon(<path d="m3.5 8.5 3 3 6-7" />);
export const XIcon = icon(<path d="m4 4 8 8M12 4l-8 8" />);
export const ChevronDownIcon = icon(<path d="m4 6 4 4 4-4" />);
export const ChevronLeftIcon = icon(<path d="m10 4-4 4 4 4" />);
export const ChevronRightIcon = icon(<path d="m6 4 4 4-4 4" />);
export const LockIcon = icon(
  <>
    <rect x="3.5" y="7" width="9" height="6.5" rx="1.2" />
    <path d="M5.5 7V5a2.5 2.5 0 0 1 5 0v2" />
  </>,
);
export const MessageIcon = icon(<path d="M2.5 3.5h11v7.5h-6L4.5 13.5V11h-2Z" />);
export const CardIcon = icon(
  <>
    <rect x="1.75" y="3.5" width="12.5" height="9" rx="1.5" />
    <path d="M1.75 6.5h12.5M4.5 10h2.5" />
  </>,
);
export const BellIcon = icon(
  <>
    <path d="M4 11V7a4 4 0 0 1 8 0v4l1 1.5H3Z" />
    <path d="M6.7 14a1.5 1.5 0 0 0 2.6 0" />
  </>,
);
export const ChartIcon = icon(<path d="M2.5 13.5h11M4.5 11V8M8 11V4.5M11.5 11V6.5" />);
export const LogOutIcon = icon(<path d="M6 13.5H3.5a1 1 0 0 1-1-1v-9a1 1 0 0 1 1-1H6M10.5 11 13.5 8l-3-3M13.5 8h-7.5" />);
export const KeyboardIcon = icon(
  <>
    <rect x="1.5" y="4" width="13" height="8" rx="1.2" />
    <path d="M4 6.5h.01M6.5 6.5h.01M9 6.5h.01M11.5 6.5h.01M5 9.5h6" />
  </>,
);
export const SortIcon = icon(<path d="M4.5 3v10M2.5 11l2 2 2-2M11.5 13V3M9.5 5l2-2 2 2" />);
export const FilterIcon = icon(<path d="M2.5 3.5h11L9.2 8.6v4.2l-2.4-1.2v-3Z" />);
export const TagIcon = icon(
  <>
    <path d="M2.5 2.5h5.2l5.8 5.8-5.2 5.2-5.8-5.8Z" />
    <path d="M5.3 5.3h.01" />
  </>,
);
export const PauseIcon = icon(<path d="M6 4v8M10 4v8" />);
export const ArrowLeftIcon = icon(<path d="M13 8H3M7 4 3 8l4 4" />);
export const CopyIcon = icon(
  <>
    <rect x="5.5" y="5.5" width="8" height="8" rx="1.2" />
    <path d="M10.5 5.5V3.7a1.2 1.2 0 0 0-1.2-1.2H3.7a1.2 1.2 0 0 0-1.2 1.2v5.6a1.2 1.2 0 0 0 1.2 1.2h1.8" />
  </>,
);
