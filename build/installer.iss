; Inno Setup script for the Windows installer of Sáng kiến Desktop.
; Build the one-folder bundle first (pyinstaller build\pyinstaller.spec → dist\SangKien\), then:
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 build\installer.iss
; The installer goes to dist\installer\. It installs per user (no administrator rights needed, as office
; PCs often lack them) and never touches the data folder, so uninstalling keeps the database and backups.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6B0F3C52-5A7E-4C55-9D7B-2F1E7B0C8A11}
AppName=Sáng kiến Desktop
AppVersion={#AppVersion}
AppPublisher=Sáng kiến Desktop
DefaultDirName={localappdata}\Programs\SangKien
DefaultGroupName=Sáng kiến Desktop
PrivilegesRequired=lowest
OutputDir=..\dist\installer
OutputBaseFilename=SangKien-{#AppVersion}-setup
SetupIconFile=..\resources\icons\app.ico
UninstallDisplayIcon={app}\SangKien.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0.17763

[Languages]
Name: "vi"; MessagesFile: "compiler:Languages\Vietnamese.isl"

[Tasks]
Name: "desktopicon"; Description: "Tạo biểu tượng trên màn hình"; GroupDescription: "Biểu tượng:"

[Files]
Source: "..\dist\SangKien\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Sáng kiến Desktop"; Filename: "{app}\SangKien.exe"
Name: "{group}\Gỡ cài đặt Sáng kiến Desktop"; Filename: "{uninstallexe}"
Name: "{autodesktop}\Sáng kiến Desktop"; Filename: "{app}\SangKien.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\SangKien.exe"; Description: "Mở Sáng kiến Desktop"; Flags: nowait postinstall skipifsilent
